//! Lifecycle control of managed secrets beyond a rotation (issue 21): [`pause`] (`pause` and
//! `resume`: Vault's scheduled rotation off and on, the pause recorded on the secret).

pub mod pause;

//! The simulated Vault (`20180608`): the secrets and their versions with Vault's rules (`model`),
//! CreateSecretDetails and UpdateSecretDetails as received (`create`, `update`), auto-generation
//! (`autogen`), the operations (`ops`), and the rotation loop Vault runs against registered
//! functions (`rotation`).

pub(super) mod autogen;
pub(super) mod create;
pub(super) mod model;
pub(super) mod ops;
pub(super) mod rotation;
pub(super) mod update;

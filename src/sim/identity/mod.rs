//! The simulated classic IAM (Identity `20160918`): users and their credentials with IAM's rules
//! (`iam`), compartments (`compartments`), and the operations (`ops`, ListCompartments included).

pub(super) mod compartments;
pub(super) mod iam;
pub(super) mod ops;

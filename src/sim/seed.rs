//! The demo tenancy: one user and one secret per credential kind, each secret's version 1 holding
//! a credential that is live in IAM, plus an API key the API_KEY user has that no secret manages
//! (it must survive every rotation). Tokens and secret keys get no unmanaged sibling: IAM allows
//! two per user, and a rotation needs one free place.

use std::collections::BTreeMap;

use serde_json::json;

use super::state::random_id;
use super::{Seeded, Simulator};
use crate::secret::CredentialKind;

pub(super) fn seed(sim: &Simulator) -> Seeded {
    let mut secrets = BTreeMap::new();
    let mut users = BTreeMap::new();
    let tenancy = sim.tenancy_id();
    for kind in CredentialKind::ALL {
        let name = format!("rotation-demo-{}", kind.as_str().to_ascii_lowercase());
        let user = sim.create_user(&name);
        let secret_id = random_id("ocid1.vaultsecret.oc1.iad.amaaaaaa");
        let marker = format!("oci-rotator {secret_id}");
        let mut metadata = json!({"credentialType": kind.as_str(), "userId": user});
        let content = match kind {
            CredentialKind::ApiKey => {
                metadata["keyBits"] = json!(2048);
                let key = crate::keys::generate(2048).unwrap_or_else(|_| unreachable!("2048 is a supported size"));
                let _ = sim.upload_api_key(&user, &key.public_pem);
                let unmanaged = crate::keys::generate(2048).unwrap_or_else(|_| unreachable!("2048 is a supported size"));
                let _ = sim.upload_api_key(&user, &unmanaged.public_pem);
                json!({"fingerprint": key.fingerprint, "privateKey": key.private_pem.as_str(), "publicKey": key.public_pem,
                    "tenancyId": tenancy, "region": "us-ashburn-1", "userId": user})
            }
            CredentialKind::AuthToken => {
                let (id, token) = sim.create_auth_token(&user, &marker).unwrap_or_default();
                json!({"authTokenId": id, "token": token, "username": name})
            }
            CredentialKind::CustomerSecretKey => {
                let (id, key) = sim.create_customer_secret_key(&user, &marker).unwrap_or_default();
                json!({"accessKeyId": id, "secretAccessKey": key, "namespace": "demo"})
            }
            CredentialKind::ConsolePassword => {
                let password = sim.reset_ui_password(&user).unwrap_or_default();
                json!({"password": password, "username": name})
            }
        };
        let id = sim.state().add_secret(&format!("demo-{}", kind.as_str().to_ascii_lowercase()), metadata, &content, None, Some(secret_id));
        secrets.insert(kind.as_str().to_owned(), id);
        users.insert(kind.as_str().to_owned(), user);
    }
    Seeded { secrets, users }
}

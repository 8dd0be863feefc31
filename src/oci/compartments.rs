//! Identity's ListCompartments (`GET /20160918/compartments`), to find the compartments below one
//! (`rotate --compartment-id ... --subtree`).

use reqwest::Method;
use serde::Deserialize;

use super::client::{Client, Request, Service};
use super::error::Error;
use super::paging::Paging;

/// One entry of ListCompartments.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompartmentSummary {
    /// The compartment's OCID.
    pub id: String,
    /// Its parent's OCID.
    #[serde(default)]
    pub compartment_id: Option<String>,
    /// Its name.
    #[serde(default)]
    pub name: String,
}

impl Client {
    /// ListCompartments of `parent`, every page, ACTIVE ones only: its children, or with
    /// `in_subtree` (OCI accepts it only when `parent` is the tenancy) every compartment below it.
    pub async fn list_compartments(&self, parent: &str, in_subtree: bool) -> Result<Vec<CompartmentSummary>, Error> {
        self.pages(Paging::all(1000), || {
            let mut req = Request::new("ListCompartments", Service::Identity, Method::GET, "/20160918/compartments".to_owned());
            req.query = vec![
                ("compartmentId", parent.to_owned()),
                ("compartmentIdInSubtree", in_subtree.to_string()),
                ("accessLevel", "ANY".to_owned()),
                ("lifecycleState", "ACTIVE".to_owned()),
            ];
            req
        })
        .await
    }

    /// `compartment_id` and every compartment below it: one ListCompartments with
    /// `compartmentIdInSubtree` when it is the tenancy, else level by level.
    pub async fn compartment_subtree(&self, compartment_id: &str) -> Result<Vec<String>, Error> {
        let mut all = vec![compartment_id.to_owned()];
        if compartment_id.starts_with("ocid1.tenancy.") {
            all.extend(self.list_compartments(compartment_id, true).await?.into_iter().map(|c| c.id));
            return Ok(all);
        }
        let mut next = 0;
        while next < all.len() {
            let parent = all[next].clone();
            next += 1;
            for child in self.list_compartments(&parent, false).await? {
                if !all.contains(&child.id) {
                    all.push(child.id);
                }
            }
        }
        Ok(all)
    }
}

//! The one pager of the OCI layer: follows `opc-next-page` through a paged list operation
//! (ListSecrets, ListSecretVersions, ListCompartments, ListDomains, the paged IAM credential
//! lists). Each operation says its page size and where it stops in a [`Paging`]; the loop is here
//! once.

use serde::de::DeserializeOwned;

use super::client::{Client, Request};
use super::error::Error;

/// How one paged operation is followed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    /// The `limit` asked for per page; `None` sends no `limit` (the service's default page).
    pub limit: Option<usize>,
    /// Ask at most for the items still missing to reach `max_items` (`limit` then bounds a page).
    pub limit_to_missing: bool,
    /// Stop once this many items are in hand (more may be returned: the caller truncates).
    pub max_items: usize,
    /// Stop after this many pages.
    pub max_pages: usize,
    /// Stop at a page with no items, even when it names a next page.
    pub stop_at_empty_page: bool,
}

impl Paging {
    /// Every page of `limit` items, until `opc-next-page` is absent or a page is empty.
    pub(crate) fn all(limit: usize) -> Paging {
        Paging { limit: Some(limit), limit_to_missing: false, max_items: usize::MAX, max_pages: usize::MAX, stop_at_empty_page: true }
    }
}

impl Client {
    /// The items of every page: `make` builds the request of one page (`limit` and the `page`
    /// token are added here, after its own query parameters), until `opc-next-page` is absent or
    /// empty, or `paging` says stop.
    pub(crate) async fn pages<T: DeserializeOwned>(&self, paging: Paging, make: impl Fn() -> Request) -> Result<Vec<T>, Error> {
        let mut all: Vec<T> = Vec::new();
        let mut page: Option<String> = None;
        let mut pages = 0;
        while all.len() < paging.max_items && pages < paging.max_pages {
            pages += 1;
            let mut req = make();
            let operation = req.operation;
            if let Some(limit) = paging.limit {
                let limit = if paging.limit_to_missing { (paging.max_items - all.len()).clamp(1, limit) } else { limit };
                req.query.push(("limit", limit.to_string()));
            }
            if let Some(p) = page.take() {
                req.query.push(("page", p));
            }
            let resp = self.send(req).await?;
            let mut items: Vec<T> = resp.json(operation)?;
            let got = items.len();
            all.append(&mut items);
            match resp.next_page.clone() {
                Some(next) if !next.is_empty() && (got > 0 || !paging.stop_at_empty_page) => page = Some(next),
                _ => break,
            }
        }
        Ok(all)
    }
}

//! OCI regions: short keys (`IAD`, `phx`), names (`us-ashburn-1`) and realm domains, as the
//! official SDKs know them (`oci/regions_definitions.py`), plus `OCI_REGION_METADATA` for regions
//! the table does not know. Used to build endpoints and to map `homeRegionKey` to a region.

/// (region key, region name, realm second-level domain), from the Python SDK's region table.
const REGIONS: &[(&str, &str, &str)] = &[
    ("yny", "ap-chuncheon-1", "oraclecloud.com"),
    ("hyd", "ap-hyderabad-1", "oraclecloud.com"),
    ("mel", "ap-melbourne-1", "oraclecloud.com"),
    ("bom", "ap-mumbai-1", "oraclecloud.com"),
    ("kix", "ap-osaka-1", "oraclecloud.com"),
    ("icn", "ap-seoul-1", "oraclecloud.com"),
    ("syd", "ap-sydney-1", "oraclecloud.com"),
    ("nrt", "ap-tokyo-1", "oraclecloud.com"),
    ("yul", "ca-montreal-1", "oraclecloud.com"),
    ("yyz", "ca-toronto-1", "oraclecloud.com"),
    ("ams", "eu-amsterdam-1", "oraclecloud.com"),
    ("fra", "eu-frankfurt-1", "oraclecloud.com"),
    ("zrh", "eu-zurich-1", "oraclecloud.com"),
    ("jed", "me-jeddah-1", "oraclecloud.com"),
    ("dxb", "me-dubai-1", "oraclecloud.com"),
    ("gru", "sa-saopaulo-1", "oraclecloud.com"),
    ("cwl", "uk-cardiff-1", "oraclecloud.com"),
    ("lhr", "uk-london-1", "oraclecloud.com"),
    ("iad", "us-ashburn-1", "oraclecloud.com"),
    ("phx", "us-phoenix-1", "oraclecloud.com"),
    ("sjc", "us-sanjose-1", "oraclecloud.com"),
    ("vcp", "sa-vinhedo-1", "oraclecloud.com"),
    ("scl", "sa-santiago-1", "oraclecloud.com"),
    ("mtz", "il-jerusalem-1", "oraclecloud.com"),
    ("mrs", "eu-marseille-1", "oraclecloud.com"),
    ("sin", "ap-singapore-1", "oraclecloud.com"),
    ("auh", "me-abudhabi-1", "oraclecloud.com"),
    ("lin", "eu-milan-1", "oraclecloud.com"),
    ("arn", "eu-stockholm-1", "oraclecloud.com"),
    ("jnb", "af-johannesburg-1", "oraclecloud.com"),
    ("cdg", "eu-paris-1", "oraclecloud.com"),
    ("qro", "mx-queretaro-1", "oraclecloud.com"),
    ("mad", "eu-madrid-1", "oraclecloud.com"),
    ("ord", "us-chicago-1", "oraclecloud.com"),
    ("mty", "mx-monterrey-1", "oraclecloud.com"),
    ("aga", "us-saltlake-2", "oraclecloud.com"),
    ("bog", "sa-bogota-1", "oraclecloud.com"),
    ("vap", "sa-valparaiso-1", "oraclecloud.com"),
    ("xsp", "ap-singapore-2", "oraclecloud.com"),
    ("ruh", "me-riyadh-1", "oraclecloud.com"),
    ("lfi", "us-langley-1", "oraclegovcloud.com"),
    ("luf", "us-luke-1", "oraclegovcloud.com"),
    ("ric", "us-gov-ashburn-1", "oraclegovcloud.com"),
    ("pia", "us-gov-chicago-1", "oraclegovcloud.com"),
    ("tus", "us-gov-phoenix-1", "oraclegovcloud.com"),
    ("ltn", "uk-gov-london-1", "oraclegovcloud.uk"),
    ("brs", "uk-gov-cardiff-1", "oraclegovcloud.uk"),
    ("nja", "ap-chiyoda-1", "oraclecloud8.com"),
    ("ukb", "ap-ibaraki-1", "oraclecloud8.com"),
    ("mct", "me-dcc-muscat-1", "oraclecloud9.com"),
    ("wga", "ap-dcc-canberra-1", "oraclecloud10.com"),
    ("bgy", "eu-dcc-milan-1", "oraclecloud14.com"),
    ("mxp", "eu-dcc-milan-2", "oraclecloud14.com"),
    ("snn", "eu-dcc-dublin-2", "oraclecloud14.com"),
    ("dtm", "eu-dcc-rating-2", "oraclecloud14.com"),
    ("dus", "eu-dcc-rating-1", "oraclecloud14.com"),
    ("ork", "eu-dcc-dublin-1", "oraclecloud14.com"),
    ("dac", "ap-dcc-gazipur-1", "oraclecloud15.com"),
    ("vll", "eu-madrid-2", "oraclecloud.eu"),
    ("str", "eu-frankfurt-2", "oraclecloud.eu"),
    ("beg", "eu-jovanovac-1", "oraclecloud20.com"),
    ("doh", "me-dcc-doha-1", "oraclecloud21.com"),
    ("ebb", "us-somerset-1", "oraclecloud23.com"),
    ("ebl", "us-thames-1", "oraclecloud23.com"),
    ("avz", "eu-dcc-zurich-1", "oraclecloud24.com"),
    ("avf", "eu-crissier-1", "oraclecloud24.com"),
    ("ahu", "me-abudhabi-3", "oraclecloud26.com"),
    ("rkt", "me-abudhabi-2", "oraclecloud29.com"),
    ("shj", "me-abudhabi-4", "oraclecloud29.com"),
    ("dtz", "ap-seoul-2", "oraclecloud35.com"),
    ("dln", "ap-suwon-1", "oraclecloud35.com"),
    ("bno", "ap-chuncheon-2", "oraclecloud35.com"),
];

/// The realm domain of the default realm (oc1).
const DEFAULT_DOMAIN: &str = "oraclecloud.com";

/// Resolves a region key (`IAD`, `iad`) or name (`us-ashburn-1`) to the region name.
/// Unknown values are returned as they are (lower-cased), so new regions still work.
pub fn region_name(key_or_name: &str) -> String {
    let lower = key_or_name.trim().to_ascii_lowercase();
    REGIONS.iter().find(|(key, _, _)| *key == lower).map(|(_, name, _)| (*name).to_owned()).unwrap_or(lower)
}

/// The second-level domain of a region's realm (`oraclecloud.com` for oc1).
///
/// `metadata` is the value of `OCI_REGION_METADATA` when set (inside OCI Functions), used for
/// regions the table does not know.
pub fn realm_domain(region: &str, metadata: Option<&str>) -> String {
    if let Some((_, _, domain)) = REGIONS.iter().find(|(_, name, _)| *name == region) {
        return (*domain).to_owned();
    }
    metadata
        .and_then(|m| serde_json::from_str::<serde_json::Value>(m).ok())
        .filter(|m| m["regionIdentifier"].as_str() == Some(region))
        .and_then(|m| m["realmDomainComponent"].as_str().map(str::to_owned))
        .unwrap_or_else(|| DEFAULT_DOMAIN.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_keys_names_and_realms() {
        assert_eq!(region_name("IAD"), "us-ashburn-1");
        assert_eq!(region_name("phx"), "us-phoenix-1");
        assert_eq!(region_name("eu-frankfurt-1"), "eu-frankfurt-1");
        assert_eq!(realm_domain("us-ashburn-1", None), "oraclecloud.com");
        assert_eq!(realm_domain("uk-gov-london-1", None), "oraclegovcloud.uk");
        let meta = r#"{"realmDomainComponent":"example.com","realmKey":"ocx","regionIdentifier":"xx-new-1","regionKey":"XXX"}"#;
        assert_eq!(realm_domain("xx-new-1", Some(meta)), "example.com");
        assert_eq!(realm_domain("xx-other-1", Some(meta)), "oraclecloud.com");
    }
}

"""Drives `oci-rotator simulate` with the official OCI Python SDK (oci 2.189.0), through the SDK's
`service_endpoint` override: what passes here is signed and shaped as OCI's own clients do it.

Usage: python3 sim_python_sdk.py <config file> <endpoint> <secret OCID> <user OCID>
Prints OK and exits 0 when every call behaved as OCI documents it.
"""

import base64
import json
import sys
import time

import oci


def wait_active(vaults, secret_id):
    for _ in range(100):
        if vaults.get_secret(secret_id).data.lifecycle_state == "ACTIVE":
            return
        time.sleep(0.05)
    raise AssertionError("the secret did not become ACTIVE")


def main():
    config_file, endpoint, secret_id, user_id = sys.argv[1:5]
    config = oci.config.from_file(config_file, "DEFAULT")
    vaults = oci.vault.VaultsClient(config, service_endpoint=endpoint)
    secrets = oci.secrets.SecretsClient(config, service_endpoint=endpoint)
    identity = oci.identity.IdentityClient(config, service_endpoint=endpoint)

    # Read the CURRENT bundle.
    bundle = secrets.get_secret_bundle(secret_id).data
    assert "CURRENT" in bundle.stages, bundle.stages
    current = json.loads(base64.b64decode(bundle.secret_bundle_content.content))
    assert "fingerprint" in current

    # Create a PENDING version, read it by stage, promote it.
    content = base64.b64encode(json.dumps({"hello": "sdk"}).encode()).decode()
    details = oci.vault.models.UpdateSecretDetails(
        secret_content=oci.vault.models.Base64SecretContentDetails(content_type="BASE64", content=content, stage="PENDING"))
    wait_active(vaults, secret_id)
    vaults.update_secret(secret_id, details)
    pending = secrets.get_secret_bundle(secret_id, stage="PENDING").data
    assert "PENDING" in pending.stages, pending.stages
    versions = vaults.list_secret_versions(secret_id).data
    assert any("PENDING" in v.stages for v in versions)
    wait_active(vaults, secret_id)
    secret = vaults.update_secret(secret_id, oci.vault.models.UpdateSecretDetails(current_version_number=pending.version_number)).data
    assert secret.current_version_number == pending.version_number
    assert "CURRENT" in secrets.get_secret_bundle(secret_id, version_number=pending.version_number).data.stages
    previous = secrets.get_secret_bundle(secret_id, stage="PREVIOUS").data
    assert previous.version_number == bundle.version_number

    # A missing stage is a 404, as OCI answers it.
    try:
        secrets.get_secret_bundle(secret_id, stage="PENDING")
        raise AssertionError("no PENDING version should be left")
    except oci.exceptions.ServiceError as e:
        assert e.status == 404, e.status

    # List, upload and delete an API key.
    before = {k.fingerprint for k in identity.list_api_keys(user_id).data}
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives import serialization
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    uploaded = identity.upload_api_key(user_id, oci.identity.models.CreateApiKeyDetails(key=pem)).data
    after = {k.fingerprint for k in identity.list_api_keys(user_id).data}
    assert after == before | {uploaded.fingerprint}, (before, after)
    identity.delete_api_key(user_id, uploaded.fingerprint)
    assert {k.fingerprint for k in identity.list_api_keys(user_id).data} == before
    print("OK")


if __name__ == "__main__":
    main()

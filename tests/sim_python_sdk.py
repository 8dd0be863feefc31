"""Drives the embedded OCI simulator with the official OCI Python SDK (oci 2.189.0) through the
SDK's `service_endpoint` override: what passes here is signed and shaped as OCI's own clients do it.

Usage: python3 sim_python_sdk.py <config file> <endpoint> <secret OCID> <user OCID>
Prints OK and exits 0 when every call behaved as OCI documents it.
"""

import base64
import json
import sys
import time

import oci
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def wait_active(vaults, secret_id):
    for _ in range(200):
        if vaults.get_secret(secret_id).data.lifecycle_state == "ACTIVE":
            return
        time.sleep(0.02)
    raise AssertionError("the secret did not become ACTIVE")


def expect_error(status, code, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except oci.exceptions.ServiceError as e:
        assert (e.status, e.code) == (status, code), (e.status, e.code, e.message)
        assert e.request_id, "every error carries an opc-request-id"
        return
    raise AssertionError(f"expected {status} {code}")


def main():
    config_file, endpoint, secret_id, user_id = sys.argv[1:5]
    config = oci.config.from_file(config_file, "DEFAULT")
    vaults = oci.vault.VaultsClient(config, service_endpoint=endpoint)
    secrets = oci.secrets.SecretsClient(config, service_endpoint=endpoint)
    identity = oci.identity.IdentityClient(config, service_endpoint=endpoint)

    # Read the CURRENT bundle (no stage given).
    bundle = secrets.get_secret_bundle(secret_id).data
    assert "CURRENT" in bundle.stages, bundle.stages
    current = json.loads(base64.b64decode(bundle.secret_bundle_content.content))
    assert "fingerprint" in current and bundle.metadata["credentialType"] == "API_KEY"

    # Create a PENDING version, with the etag read just before; a stale etag is refused.
    content = base64.b64encode(json.dumps({"hello": "sdk"}).encode()).decode()
    details = oci.vault.models.UpdateSecretDetails(
        secret_content=oci.vault.models.Base64SecretContentDetails(content_type="BASE64", content=content, stage="PENDING"))
    wait_active(vaults, secret_id)
    expect_error(412, "NoEtagMatch", vaults.update_secret, secret_id, details, if_match="stale")
    got = vaults.get_secret(secret_id)
    assert got.data.is_auto_generation_enabled is False
    vaults.update_secret(secret_id, details, if_match=got.headers["etag"])
    # Right after an update the secret is UPDATING, and a second update is refused.
    promote = oci.vault.models.UpdateSecretDetails(current_version_number=bundle.version_number + 1)
    expect_error(409, "IncorrectState", vaults.update_secret, secret_id, promote)

    # Read it by stage and in the version list.
    pending = secrets.get_secret_bundle(secret_id, stage="PENDING").data
    assert pending.stages == ["PENDING", "LATEST"], pending.stages
    assert json.loads(base64.b64decode(pending.secret_bundle_content.content)) == {"hello": "sdk"}
    versions = vaults.list_secret_versions(secret_id).data
    assert [v.version_number for v in versions] == [pending.version_number, bundle.version_number]
    assert vaults.get_secret_version(secret_id, pending.version_number).data.stages == ["PENDING", "LATEST"]

    # Promote it once the secret is ACTIVE again.
    wait_active(vaults, secret_id)
    secret = vaults.update_secret(secret_id, oci.vault.models.UpdateSecretDetails(current_version_number=pending.version_number)).data
    assert secret.current_version_number == pending.version_number
    assert secrets.get_secret_bundle(secret_id, version_number=pending.version_number).data.stages == ["CURRENT", "LATEST"]
    assert secrets.get_secret_bundle(secret_id, stage="PREVIOUS").data.version_number == bundle.version_number
    expect_error(404, "NotAuthorizedOrNotFound", secrets.get_secret_bundle, secret_id, stage="PENDING")

    # List, upload and delete an API key (the SDK sends the fingerprint percent-encoded).
    assert identity.get_user(user_id).data.lifecycle_state == "ACTIVE"
    before = {k.fingerprint for k in identity.list_api_keys(user_id).data}
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    uploaded = identity.upload_api_key(user_id, oci.identity.models.CreateApiKeyDetails(key=pem)).data
    assert uploaded.key_id == f"{config['tenancy']}/{user_id}/{uploaded.fingerprint}"
    after = {k.fingerprint for k in identity.list_api_keys(user_id).data}
    assert after == before | {uploaded.fingerprint}, (before, after)
    expect_error(409, "Conflict", identity.upload_api_key, user_id, oci.identity.models.CreateApiKeyDetails(key=pem))
    identity.delete_api_key(user_id, uploaded.fingerprint)
    assert {k.fingerprint for k in identity.list_api_keys(user_id).data} == before

    # An auth token shows its secret only once; the console password can be reset without a body.
    token = identity.create_auth_token(oci.identity.models.CreateAuthTokenDetails(description="sdk"), user_id).data
    assert token.token and all(t.token is None for t in identity.list_auth_tokens(user_id).data)
    identity.delete_auth_token(user_id, token.id)
    assert identity.create_or_reset_ui_password(user_id).data.password
    assert identity.get_user_ui_password_information(user_id).data.lifecycle_state == "ACTIVE"
    print("OK")


if __name__ == "__main__":
    main()

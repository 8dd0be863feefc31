"""Drives the embedded OCI simulator with the official OCI Python SDK (oci 2.189.0) through the
SDK's `service_endpoint` override: what passes here is signed and shaped as OCI's own clients do it.

Usage: python3 sim_python_sdk.py <config file> <endpoint> <secret OCID> <user OCID> <domain URL> <domain users JSON>
<seeded JSON: compartmentId, vaultId, keyId> <function OCID> (the domain and its users by kind as `Simulator::seed` made
them; a function the simulator knows, for RotateSecret). Prints OK and exits 0 when every
call behaved as OCI documents it, including identity domains: the classic ListDomains/GetDomain and
`oci.identity_domains.IdentityDomainsClient` at the domain's URL with the same signer, and
`oci.monitoring.MonitoringClient` (metrics and alarms).
"""

import base64
import datetime
import json
import sys
import time
import urllib.parse

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


def expect_status(status, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except oci.exceptions.ServiceError as e:
        assert e.status == status, (e.status, e.code, e.message)
        return
    raise AssertionError(f"expected {status}")


PASSWORD_STATE = "urn:ietf:params:scim:schemas:oracle:idcs:extension:passwordState:User"


def identity_domains(config, identity, domain_url, domain_users):
    # The classic API lists the Default domain and the seeded SECONDARY one, with its URL.
    domains = identity.list_domains(config["tenancy"]).data
    assert sorted(d.type for d in domains) == ["DEFAULT", "SECONDARY"], [d.type for d in domains]
    demo = next(d for d in domains if d.display_name == "rotation-demo-domain")
    assert demo.url == domain_url and demo.lifecycle_state == "ACTIVE", (demo.url, domain_url)
    assert identity.get_domain(demo.id).data.url == domain_url

    # The domain's REST API at that URL, signed by the same signer, with the SDK's own checks: like
    # OCI's `https://idcs-<hex>.identity.oraclecloud.com`, the URL has no path (the simulator serves
    # each domain on a loopback port of its own).
    assert urllib.parse.urlsplit(domain_url).path == "", domain_url
    idd = oci.identity_domains.IdentityDomainsClient(config, service_endpoint=domain_url)
    token_user, key_user, pw_user = domain_users["AUTH_TOKEN"], domain_users["API_KEY"], domain_users["CONSOLE_PASSWORD"]
    # A path takes a resource's SCIM id, never an OCID (the simulator's stricter reading): a user is
    # found by OCID with a filter, then addressed by its id.
    def scim_id(ocid):
        found = idd.list_users(filter=f'ocid eq "{ocid}"').data
        assert found.total_results == 1 and found.resources[0].ocid == ocid, found
        return found.resources[0].id
    user = idd.get_user(scim_id(token_user), attribute_sets=["all"]).data
    assert user.ocid == token_user and user.active, user
    expect_status(404, idd.get_user, token_user)
    tags = {t.key: t.value for t in user.urn_ietf_params_scim_schemas_oracle_idcs_extension_oci_tags.freeform_tags}
    assert tags["team"] == "rotation-demo" and tags["oci-rotator-auth-token"].startswith("ocid1.vaultsecret."), tags
    assert user.urn_ietf_params_scim_schemas_oracle_idcs_extension_password_state_user.last_successful_set_date is None
    expect_status(404, idd.get_user, "ocid1.user.oc1..nobody")

    keys = idd.list_api_keys(filter=f'user.ocid eq "{key_user}"').data
    assert keys.total_results == 1 and keys.resources[0].fingerprint and keys.resources[0].user.ocid == key_user, keys
    assert idd.list_api_keys(filter=f'user.ocid eq "{token_user}"').data.total_results == 0

    by_user = f'user.value eq "{user.id}"'
    assert idd.list_auth_tokens(filter=by_user).data.total_results == 1
    created = idd.create_auth_token(auth_token=oci.identity_domains.models.AuthToken(
        schemas=["urn:ietf:params:scim:schemas:oracle:idcs:authToken"],
        user=oci.identity_domains.models.AuthTokenUser(ocid=token_user), description="sdk")).data
    assert created.token and created.ocid.startswith("ocid1.credential.") and created.user.value == user.id, created
    listed = idd.list_auth_tokens(filter=by_user).data
    assert listed.total_results == 2 and all(t.token is None for t in listed.resources)
    expect_status(404, idd.delete_auth_token, created.ocid)
    assert idd.list_auth_tokens(filter=by_user).data.total_results == 2
    idd.delete_auth_token(created.id)
    expect_status(404, idd.delete_auth_token, created.id)
    assert idd.list_auth_tokens(filter=by_user).data.total_results == 1

    changer = oci.identity_domains.models.UserPasswordChanger(
        schemas=["urn:ietf:params:scim:schemas:oracle:idcs:UserPasswordChanger"], password="Sdk-Passw0rd-1", bypass_notification=True)
    pw_id = scim_id(pw_user)
    expect_status(404, idd.put_user_password_changer, pw_user, user_password_changer=changer)
    answer = idd.put_user_password_changer(pw_id, user_password_changer=changer).data
    assert answer.password is None
    weak = oci.identity_domains.models.UserPasswordChanger(schemas=changer.schemas, password="weak", bypass_notification=True)
    expect_status(400, idd.put_user_password_changer, pw_id, user_password_changer=weak)
    state = idd.get_user(pw_id, attributes=PASSWORD_STATE).data.urn_ietf_params_scim_schemas_oracle_idcs_extension_password_state_user
    assert state.last_successful_set_date is not None
    policies = idd.list_password_policies().data.resources
    assert policies[0].min_length == 8 and policies[0].password_strength == "Standard"


def new_kinds(identity, user_id):
    # SMTP credentials: IAM issues the user name and the password; the password only on create.
    smtp = identity.create_smtp_credential(oci.identity.models.CreateSmtpCredentialDetails(description="sdk"), user_id).data
    assert smtp.password and smtp.username and smtp.lifecycle_state == "ACTIVE", smtp
    listed = identity.list_smtp_credentials(user_id).data
    assert [c.id for c in listed] == [smtp.id] and listed[0].username == smtp.username, listed
    identity.delete_smtp_credential(user_id, smtp.id)
    assert identity.list_smtp_credentials(user_id).data == []
    # OAuth 2.0 client credentials: name, description and scopes required; the secret only on create; paged list.
    scope = oci.identity.models.FullyQualifiedScope(audience="urn:opc:idm:__myscopes__", scope="urn:opc:resource:consumer::all")
    details = oci.identity.models.CreateOAuth2ClientCredentialDetails(name="sdk", description="sdk", scopes=[scope])
    made = [identity.create_o_auth_client_credential(user_id, details).data for _ in range(3)]
    assert all(m.password and m.scopes[0].audience == scope.audience for m in made), made
    page = identity.list_o_auth_client_credentials(user_id, limit=2)
    assert len(page.data) == 2 and page.has_next_page, page.headers
    everything = oci.pagination.list_call_get_all_results(identity.list_o_auth_client_credentials, user_id, limit=2).data
    assert sorted(c.id for c in everything) == sorted(m.id for m in made)
    assert all(getattr(c, "password", None) is None for c in everything)
    for m in made:
        identity.delete_o_auth_client_credential(user_id, m.id)
    # Database passwords: the caller chooses the password (IAM's rules), IAM never returns it; limit 2.
    ok = oci.identity.models.CreateDbCredentialDetails(password="Sdk_Db_Passw0rd_1", description="sdk")
    first = identity.create_db_credential(ok, user_id).data
    assert first.id.startswith("ocid1.credential.") and not hasattr(first, "password"), first
    expect_status(400, identity.create_db_credential, oci.identity.models.CreateDbCredentialDetails(password='no"quote1A_xyz', description="x"), user_id)
    identity.create_db_credential(ok, user_id)
    expect_error(400, "LimitExceeded", identity.create_db_credential, ok, user_id)
    creds = oci.pagination.list_call_get_all_results(identity.list_db_credentials, user_id).data
    assert len(creds) == 2 and all(c.description == "sdk" for c in creds), creds
    for c in creds:
        identity.delete_db_credential(user_id, c.id)
    expect_status(404, identity.delete_db_credential, user_id, first.id)


def new_kinds_in_domain(config, domain_url, domain_users):
    idd = oci.identity_domains.IdentityDomainsClient(config, service_endpoint=domain_url)
    m = oci.identity_domains.models
    smtp_user = domain_users["SMTP_CREDENTIAL"]
    smtp = idd.create_smtp_credential(smtp_credential=m.SmtpCredential(
        schemas=["urn:ietf:params:scim:schemas:oracle:idcs:smtpCredential"], user=m.SmtpCredentialUser(ocid=smtp_user),
        description="sdk")).data
    assert smtp.password and smtp.user_name and smtp.ocid.startswith("ocid1.credential."), smtp
    assert idd.list_smtp_credentials(filter=f'user.value eq "{smtp.user.value}"').data.total_results == 2
    idd.delete_smtp_credential(smtp.id)
    oauth_user = domain_users["OAUTH2_CLIENT_CREDENTIAL"]
    oauth = idd.create_o_auth2_client_credential(o_auth2_client_credential=m.OAuth2ClientCredential(
        schemas=["urn:ietf:params:scim:schemas:oracle:idcs:oauth2ClientCredential"], user=m.OAuth2ClientCredentialUser(ocid=oauth_user),
        name="sdk", description="sdk", scopes=[m.OAuth2ClientCredentialScopes(audience="a", scope="s")])).data
    assert oauth.secret and oauth.scopes[0].audience == "a", oauth
    idd.delete_o_auth2_client_credential(oauth.id)
    db_user = domain_users["DB_CREDENTIAL"]
    db = idd.create_user_db_credential(user_db_credential=m.UserDbCredential(
        schemas=["urn:ietf:params:scim:schemas:oracle:idcs:UserDbCredentials"], user=m.UserDbCredentialsUser(ocid=db_user),
        db_password="Sdk_Db_Passw0rd_2", description="sdk")).data
    assert db.ocid.startswith("ocid1.credential.") and not db.db_password, db
    idd.delete_user_db_credential(db.id)


def vault_loop(vaults, seeded, function_id):
    # CreateSecret as the SDK sends it (with its own opc-retry-token), a rotation config targeting a function.
    content = base64.b64encode(json.dumps({"v": 1}).encode()).decode()
    rotation = oci.vault.models.RotationConfig(
        target_system_details=oci.vault.models.FunctionTargetSystemDetails(function_id=function_id),
        rotation_interval="P90D", is_scheduled_rotation_enabled=True)
    details = oci.vault.models.CreateSecretDetails(
        compartment_id=seeded["compartmentId"], vault_id=seeded["vaultId"], key_id=seeded["keyId"], secret_name="sdk-created",
        description="by the SDK", metadata={"credentialType": "AUTH_TOKEN"}, freeform_tags={"team": "sdk"},
        secret_content=oci.vault.models.Base64SecretContentDetails(content_type="BASE64", content=content, stage="CURRENT"),
        rotation_config=rotation)
    created = vaults.create_secret(details)
    s = created.data
    assert created.headers["etag"] and s.id.startswith("ocid1.vaultsecret.") and s.secret_name == "sdk-created", s
    assert s.rotation_status == "SCHEDULED" and s.next_rotation_time is not None and s.last_rotation_time is None, s
    assert s.rotation_config.target_system_details.function_id == function_id and s.freeform_tags == {"team": "sdk"}
    assert (s.next_rotation_time - s.time_created).days == 90
    expect_error(409, "Conflict", vaults.create_secret, details)
    found = vaults.list_secrets(seeded["compartmentId"], name="sdk-created", vault_id=seeded["vaultId"]).data
    assert [x.id for x in found] == [s.id], found
    bad_key = oci.vault.models.CreateSecretDetails(**{**{k: getattr(details, k) for k in details.attribute_map}, "key_id": "ocid1.key.oc1..nope", "secret_name": "other"})
    expect_status(400, vaults.create_secret, bad_key)

    # RotateSecret: accepted, and the simulated Vault runs it (here against a function that fails).
    expect_error(412, "NoEtagMatch", vaults.rotate_secret, s.id, if_match="stale")
    assert vaults.rotate_secret(s.id).status == 202
    for _ in range(300):
        if vaults.get_secret(s.id).data.rotation_status != "IN_PROGRESS":
            break
        time.sleep(0.05)
    assert vaults.get_secret(s.id).data.rotation_status == "SCHEDULED"
    # A secret whose rotation config targets no function: 400.
    plain = vaults.list_secrets(seeded["compartmentId"], name="demo-api_key").data[0]
    expect_status(400, vaults.rotate_secret, plain.id)


def monitoring(config, endpoint, seeded):
    # MonitoringClient: PostMetricData (its ingestion endpoint, here the same URL), ListMetrics,
    # CreateAlarm and ListAlarms, as `oci-rotator` and its `alarms` command use them.
    compartment = seeded["compartmentId"]
    client = oci.monitoring.MonitoringClient(config, service_endpoint=endpoint)
    now = datetime.datetime.now(datetime.timezone.utc)
    dims = {"secretId": "ocid1.vaultsecret.oc1..sdk", "credentialType": "API_KEY", "step": "VERIFY_CONNECTION",
            "result": "succeeded", "responseCode": "200"}
    posted = client.post_metric_data(oci.monitoring.models.PostMetricDataDetails(metric_data=[
        oci.monitoring.models.MetricDataDetails(namespace="ocirotator", compartment_id=compartment, name="step_result",
                                                dimensions=dims, datapoints=[oci.monitoring.models.Datapoint(timestamp=now, value=1.0)])])).data
    assert posted.failed_metrics_count == 0, posted
    expect_status(400, client.post_metric_data, oci.monitoring.models.PostMetricDataDetails(metric_data=[
        oci.monitoring.models.MetricDataDetails(namespace="oci_reserved", compartment_id=compartment, name="x",
                                                dimensions=dims, datapoints=[oci.monitoring.models.Datapoint(timestamp=now, value=1.0)])]))
    metrics = client.list_metrics(compartment, oci.monitoring.models.ListMetricsDetails(namespace="ocirotator", name="step_result")).data
    assert [(m.name, m.dimensions) for m in metrics] == [("step_result", dims)], metrics
    details = oci.monitoring.models.CreateAlarmDetails(
        display_name="sdk-alarm", compartment_id=compartment, metric_compartment_id=compartment, namespace="ocirotator",
        query='step_result[1h]{result = "failed"}.grouping().count() > 0', severity="CRITICAL",
        destinations=["ocid1.onstopic.oc1..sdk"], is_enabled=True)
    alarm = client.create_alarm(details).data
    assert alarm.id.startswith("ocid1.alarm.") and alarm.lifecycle_state == "ACTIVE", alarm
    listed = client.list_alarms(compartment, display_name="sdk-alarm").data
    assert [(a.id, a.query, a.destinations) for a in listed] == [(alarm.id, details.query, details.destinations)], listed
    assert client.list_alarms(compartment, display_name="no-such-alarm").data == []


def functions(config, endpoint, function_id, secret_id):
    # GetFunction gives the invoke endpoint; InvokeFunction (body signed) runs PREFLIGHT in the function.
    management = oci.functions.FunctionsManagementClient(config, service_endpoint=endpoint)
    function = management.get_function(function_id).data
    assert function.id == function_id and function.lifecycle_state == "ACTIVE" and function.invoke_endpoint, function
    invoke = oci.functions.FunctionsInvokeClient(config, service_endpoint=function.invoke_endpoint)
    body = json.dumps({"step": "PREFLIGHT", "secretId": secret_id})
    answer = json.loads(invoke.invoke_function(function_id, invoke_function_body=body).data.content)
    assert answer["responseCode"] == 200 and any(c["call"] == "GetSecret" and c["ok"] for c in answer["checks"]), answer
    expect_error(404, "NotAuthorizedOrNotFound", management.get_function, "ocid1.fnfunc.oc1.iad.notdeployed")


def main():
    config_file, endpoint, secret_id, user_id, domain_url, domain_users, seeded, function_id, preflight_function = sys.argv[1:10]
    config = oci.config.from_file(config_file, "DEFAULT")
    functions(config, endpoint, preflight_function, secret_id)
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

    new_kinds(identity, user_id)
    identity_domains(config, identity, domain_url, json.loads(domain_users))
    new_kinds_in_domain(config, domain_url, json.loads(domain_users))
    vault_loop(vaults, json.loads(seeded), function_id)
    monitoring(config, endpoint, json.loads(seeded))
    print("OK")


if __name__ == "__main__":
    main()

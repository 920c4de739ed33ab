"""The node administrator's pages: accounts and roles, API tokens, settings, backups, and who may open them."""

from __future__ import annotations

import io
import json
import re
import zipfile

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient

from node.accounts.models import Account
from node.app import MIGRATIONS_DIR
from node.extensions import db
from node.members.models import Member
from node.settings.services import get_setting
from schemas.node.codes import Role
from tests.node.factories import Factory
from tests.node.test_accounts import post_login

PASSWORD = "correct horse battery staple"
PEOPLE = {
    "admin": ("beheer@example.org", (Role.ADMIN,)),
    "coordinator": ("coordinator@example.org", (Role.COORDINATOR,)),
    "volunteer": ("vrijwilliger@example.org", (Role.VOLUNTEER,)),
    "resident": ("bewoner@example.org", ()),
}
PAGES = ["/admin", "/admin/users", "/admin/users/new", "/admin/tokens", "/admin/settings", "/admin/backups"]


@pytest.fixture
def people(make: Factory) -> dict[str, int]:
    return {who: make.member(email=email, roles=roles, password=PASSWORD) for who, (email, roles) in PEOPLE.items()}


def logged_in(app: Flask, who: str) -> FlaskClient:
    client = app.test_client()
    assert post_login(client, PEOPLE[who][0], PASSWORD) == 302
    return client


def form_token(client: FlaskClient, path: str) -> str:
    page = client.get(path)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.get_data(as_text=True))
    assert match, f"{path} carries a CSRF token"
    return match.group(1)


def secret_on(page: str) -> str:
    match = re.search(r'<code class="secret">([^<]+)</code>', page)
    assert match, "the page shows the password or token once"
    return match.group(1)


@pytest.mark.parametrize("path", PAGES)
def test_admin_opens_every_page(app: Flask, people: dict[str, int], path: str) -> None:
    page = logged_in(app, "admin").get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'aria-current="page">Beheer</a>' in text  # the menu marks the admin section
    assert "Traceback" not in text


@pytest.mark.parametrize("who", ["coordinator", "volunteer", "resident"])
def test_other_roles_are_refused_everywhere(app: Flask, people: dict[str, int], who: str) -> None:
    client = logged_in(app, who)
    assert {path: client.get(path).status_code for path in PAGES} == dict.fromkeys(PAGES, 403)
    assert "Beheer" not in client.get("/").get_data(as_text=True)


def test_anonymous_is_sent_to_log_in(client: FlaskClient) -> None:
    for path in PAGES:
        answer = client.get(path)
        assert answer.status_code == 302
        assert answer.headers["Location"].startswith("/login?next=")


def test_admin_makes_a_coordinator_who_can_log_in(app: Flask, make: Factory, people: dict[str, int]) -> None:
    admin = logged_in(app, "admin")
    data = {
        "csrf_token": form_token(admin, "/admin/users/new"),
        "email": "Nadia@Example.org",
        "name": "Nadia Bakker",
        "roles": ["coordinator"],
    }
    made = admin.post("/admin/users/new", data=data)
    assert made.status_code == 201
    password = secret_on(made.get_data(as_text=True))

    newcomer = app.test_client()
    assert post_login(newcomer, "nadia@example.org", password) == 302
    with app.app_context():
        member = db.session.scalar(db.select(Member).where(Member.email == "nadia@example.org"))
        assert member is not None and member.name == "Nadia Bakker"
        assert member.roles == ["member", "coordinator"]
    listed = admin.get("/admin/users").get_data(as_text=True)
    assert "Nadia Bakker" in listed and password not in listed


def test_an_existing_member_gets_an_account_and_a_second_one_is_refused(
    app: Flask, make: Factory, people: dict[str, int]
) -> None:
    make.member(name="Piet Vrijwilliger", email="piet@example.org")
    admin = logged_in(app, "admin")
    token = form_token(admin, "/admin/users/new")
    data = {"csrf_token": token, "email": "piet@example.org", "roles": ["volunteer"]}
    assert admin.post("/admin/users/new", data=data).status_code == 201
    again = admin.post("/admin/users/new", data=data)
    assert again.status_code == 422
    assert "heeft al een account" in again.get_data(as_text=True)


def test_new_person_without_a_name_keeps_what_was_typed(app: Flask, people: dict[str, int]) -> None:
    admin = logged_in(app, "admin")
    data = {"csrf_token": form_token(admin, "/admin/users/new"), "email": "nieuw@example.org", "roles": ["admin"]}
    answer = admin.post("/admin/users/new", data=data)
    assert answer.status_code == 422
    text = answer.get_data(as_text=True)
    assert 'value="nieuw@example.org"' in text
    assert 'value="admin" id="role-admin" checked' in text
    assert "vul de naam in" in text


def test_roles_are_granted_and_revoked(app: Flask, make: Factory, people: dict[str, int]) -> None:
    admin = logged_in(app, "admin")
    with app.app_context():
        account_id = db.session.scalar(db.select(Account.id).where(Account.member_id == people["volunteer"]))
    token = form_token(admin, "/admin/users")
    changed = admin.post(f"/admin/users/{account_id}/roles", data={"csrf_token": token, "roles": ["coordinator"]})
    assert changed.status_code == 302
    with app.app_context():
        assert db.session.get(Member, people["volunteer"]).roles == ["member", "coordinator"]


def test_an_admin_keeps_their_own_admin_role_and_account(app: Flask, people: dict[str, int]) -> None:
    admin = logged_in(app, "admin")
    with app.app_context():
        own = db.session.scalar(db.select(Account.id).where(Account.member_id == people["admin"]))
    token = form_token(admin, "/admin/users")
    refused = admin.post(f"/admin/users/{own}/roles", data={"csrf_token": token, "roles": ["coordinator"]})
    assert refused.status_code == 409
    assert "eigen rol als beheerder" in refused.get_data(as_text=True)
    assert admin.post(f"/admin/users/{own}/deactivate", data={"csrf_token": token}).status_code == 409
    with app.app_context():
        assert db.session.get(Member, people["admin"]).has_role(Role.ADMIN)
        assert db.session.get(Account, own).active


def test_deactivate_ends_the_login_and_reactivate_restores_it(app: Flask, people: dict[str, int]) -> None:
    admin = logged_in(app, "admin")
    coordinator = logged_in(app, "coordinator")
    with app.app_context():
        account_id = db.session.scalar(db.select(Account.id).where(Account.member_id == people["coordinator"]))
    token = form_token(admin, "/admin/users")
    assert admin.post(f"/admin/users/{account_id}/deactivate", data={"csrf_token": token}).status_code == 302
    assert coordinator.get("/").status_code == 200
    assert "Uitloggen" not in coordinator.get("/").get_data(as_text=True)  # the session has ended
    assert post_login(app.test_client(), PEOPLE["coordinator"][0], PASSWORD) == 401
    assert admin.post(f"/admin/users/{account_id}/reactivate", data={"csrf_token": token}).status_code == 302
    assert post_login(app.test_client(), PEOPLE["coordinator"][0], PASSWORD) == 302


def test_a_new_password_is_shown_once_and_replaces_the_old(app: Flask, people: dict[str, int]) -> None:
    admin = logged_in(app, "admin")
    with app.app_context():
        account_id = db.session.scalar(db.select(Account.id).where(Account.member_id == people["resident"]))
    answer = admin.post(f"/admin/users/{account_id}/password", data={"csrf_token": form_token(admin, "/admin/users")})
    assert answer.status_code == 200
    password = secret_on(answer.get_data(as_text=True))
    assert post_login(app.test_client(), PEOPLE["resident"][0], PASSWORD) == 401
    assert post_login(app.test_client(), PEOPLE["resident"][0], password) == 302


def test_a_token_is_shown_once_works_on_the_api_and_can_be_revoked(app: Flask, people: dict[str, int]) -> None:
    admin = logged_in(app, "admin")
    data = {"csrf_token": form_token(admin, "/admin/tokens"), "name": "Planbord", "role": "coordinator"}
    made = admin.post("/admin/tokens", data=data)
    assert made.status_code == 201
    raw = secret_on(made.get_data(as_text=True))
    assert raw.startswith("wkn_")
    api = app.test_client()
    assert api.get("/api/v1/members", headers={"Authorization": f"Bearer {raw}"}).status_code == 200

    listed = admin.get("/admin/tokens").get_data(as_text=True)
    assert "Planbord" in listed and raw not in listed
    token_id = re.search(r"/admin/tokens/(\d+)/revoke", listed)
    assert token_id
    revoked = admin.post(f"/admin/tokens/{token_id[1]}/revoke", data={"csrf_token": form_token(admin, "/admin/tokens")})
    assert revoked.status_code == 302
    assert api.get("/api/v1/members", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_a_volunteer_token_needs_a_member_holding_that_role(app: Flask, people: dict[str, int]) -> None:
    admin = logged_in(app, "admin")
    token = form_token(admin, "/admin/tokens")
    missing = admin.post("/admin/tokens", data={"csrf_token": token, "name": "App", "role": "volunteer"})
    assert missing.status_code == 422
    wrong = admin.post(
        "/admin/tokens", data={"csrf_token": token, "name": "App", "role": "volunteer", "email": "bewoner@example.org"}
    )
    assert wrong.status_code == 422
    assert "heeft die rol niet" in wrong.get_data(as_text=True)
    assert 'value="bewoner@example.org"' in wrong.get_data(as_text=True)
    right = admin.post(
        "/admin/tokens",
        data={"csrf_token": token, "name": "App", "role": "volunteer", "email": "vrijwilliger@example.org"},
    )
    assert right.status_code == 201


def test_settings_refuse_bad_values_and_keep_what_was_typed(app: Flask, people: dict[str, int]) -> None:
    admin = logged_in(app, "admin")
    token = form_token(admin, "/admin/settings")
    data = {"csrf_token": token, "min_count": "2", "retention_months": "twaalf", "privacy_statement_version": "2027-01"}
    refused = admin.post("/admin/settings", data=data)
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'value="2"' in text and 'value="twaalf"' in text and 'value="2027-01"' in text
    assert "Geef een heel getal van 3 tot 100." in text
    with app.app_context():
        assert get_setting("min_count") == 5 and get_setting("privacy_statement_version") == "2026-01"

    data.update(min_count="10", retention_months="36")
    assert admin.post("/admin/settings", data=data).status_code == 302
    with app.app_context():
        assert (get_setting("min_count"), get_setting("retention_months")) == (10, 36)
        assert get_setting("privacy_statement_version") == "2027-01"


def test_backup_is_made_listed_and_downloaded_as_a_valid_archive(
    app: Flask, people: dict[str, int], database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("one database is enough here; tests/node/test_backup.py covers backups on PostgreSQL")
    with app.app_context():
        flask_migrate.stamp(directory=str(MIGRATIONS_DIR))  # create_all made the tables; a backup names the revision
    admin = logged_in(app, "admin")
    assert "Nog geen back-ups" in admin.get("/admin/backups").get_data(as_text=True)
    made = admin.post("/admin/backups", data={"csrf_token": form_token(admin, "/admin/backups")})
    assert made.status_code == 302
    listed = admin.get("/admin/backups").get_data(as_text=True)
    link = re.search(r'href="(/admin/backups/wijknet-node-[^"]+\.zip)"', listed)
    assert link, "the new backup is listed with a download link"

    with admin.get(link[1]) as download:
        assert download.status_code == 200
        assert download.headers["Content-Type"] == "application/zip"
        assert download.headers["Cache-Control"] == "no-store"
        body = download.data
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["kind"] == "node"
    assert {t["name"]: t["rows"] for t in manifest["tables"]}["members"] == len(PEOPLE)

    assert admin.get("/admin/backups/..%2Fnode.toml").status_code == 404
    with logged_in(app, "coordinator").get(link[1]) as refused:
        assert refused.status_code == 403

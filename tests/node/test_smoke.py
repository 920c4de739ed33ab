from schemas.node.codes import Role


def test_openapi_and_version_header(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["API-Version"] == "1.0.0"
    assert "/api/v1/members" in response.json["paths"]


def test_unknown_path_is_problem(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "not_found"
    assert response.headers["API-Version"] == "1.0.0"


def test_member_flow(client, make):
    _, headers = make.person(Role.COORDINATOR)
    response = client.post(
        "/api/v1/members",
        json={"name": "Anna de Vries", "email": "Anna@Example.org", "buurt_code": "BU03440202"},
        headers=headers,
    )
    assert response.status_code == 201, response.json
    assert response.json["email"] == "anna@example.org"
    member_id = response.json["id"]
    response = client.post(
        f"/api/v1/members/{member_id}/consents", json={"purpose": "membership", "method": "phone"}, headers=headers
    )
    assert response.status_code == 201, response.json
    assert response.json["on_behalf"] is True
    response = client.post(
        "/api/v1/help-requests",
        json={"requester_id": member_id, "category": "shopping", "description": "Boodschappen"},
        headers=headers,
    )
    assert response.status_code == 201, response.json
    assert response.json["buurt_code"] == "BU03440202"

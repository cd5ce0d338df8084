"""Helpers for the API tests: an HTTP-only client that logs in with a bearer token."""
from __future__ import annotations

PASSWORD = "demo-pass-2026"
CITIZEN = "02055551234"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class Api:
    """Talks to /api/v1 through the Flask test client, as a mobile app would over HTTP."""

    def __init__(self, client, token: str | None = None, lang: str = "en"):
        self.client, self.token, self.lang = client, token, lang

    def headers(self, extra: dict | None = None) -> dict:
        out = {"Accept-Language": self.lang}
        if self.token:
            out["Authorization"] = f"Bearer {self.token}"
        out.update(extra or {})
        return out

    def get(self, path: str, **kw):
        return self.client.get("/api/v1" + path, headers=self.headers(kw.pop("headers", None)), **kw)

    def post(self, path: str, json=None, **kw):
        return self.client.post("/api/v1" + path, json=json, headers=self.headers(kw.pop("headers", None)), **kw)

    def delete(self, path: str, **kw):
        return self.client.delete("/api/v1" + path, headers=self.headers(kw.pop("headers", None)), **kw)

    def login(self, username: str, password: str = PASSWORD) -> Api:
        r = self.client.post("/api/v1/auth/token", json={"username": username, "password": password})
        assert r.status_code == 201, r.get_data(as_text=True)
        return Api(self.client, r.get_json()["access_token"], self.lang)


def residence_answers(doc: dict) -> dict:
    return {"applicant_name": "ສົມຊາຍ ພົມມະຈັນ", "id_number": "LA1234567", "birth_date": "1990-04-12",
            "phone": "020 5555 1234", "village": "ບ້ານໂພນສະອາດ", "family_book_number": "FB-0042",
            "purpose": "employment", "family_book_scan": doc}


def upload(api: Api, path: str = "/documents", data: bytes = PNG, name: str = "scan.png"):
    import io

    return api.client.post("/api/v1" + path, data={"file": (io.BytesIO(data), name)},
                           headers=api.headers(), content_type="multipart/form-data")


def start_residence(citizen: Api, **headers):
    doc = upload(citizen).get_json()
    return citizen.post("/applications", json={"service_id": "residence_certificate", "centre_id": "xaysettha",
                                               "data": residence_answers(doc)}, headers=headers or None)


def task_of(staff: Api, application_id: int, bpmn_id: str) -> dict:
    items = staff.get("/tasks").get_json()["items"]
    found = [t for t in items if t["application_id"] == application_id and t["bpmn_id"] == bpmn_id]
    assert found, f"{bpmn_id} not in the inbox: {[(t['application_id'], t['bpmn_id']) for t in items]}"
    return found[0]


def answers_for(client: Api, schema: dict) -> dict:
    """Valid answers for a form's JSON Schema: what a careful clerk or citizen would type."""
    out = {}
    for name, prop in schema.get("properties", {}).items():
        kind = prop.get("x-odsc-type")
        if name not in schema.get("required", []) and kind != "yes_no":
            continue
        if "enum" in prop:
            out[name] = "approve" if "approve" in prop["enum"] else prop["enum"][0]
        elif kind == "yes_no":
            out[name] = True
        elif kind in ("money", "number"):
            out[name] = max(prop.get("minimum", 0), 25000) if kind == "money" else prop.get("minimum", 1)
        elif kind == "date":
            out[name] = "2026-01-15"
        elif kind == "phone":
            out[name] = "020 5555 1234"
        elif kind == "national_id":
            out[name] = "LA1234567"
        elif kind == "file":
            out[name] = upload(client).get_json()
        else:
            out[name] = "ok"
    return out

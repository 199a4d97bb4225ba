"""Plain HTTP to the live server, as another system would talk to the API (no test client)."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


def call(method: str, url: str, *, token: str = "", body=None, headers=None) -> Answer:
    sent = {"Accept": "application/json", **(headers or {})}
    if token:
        sent["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=sent, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (local)
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


def get(url: str, **kwargs) -> Answer:
    return call("GET", url, **kwargs)


def post(url: str, body=None, **kwargs) -> Answer:
    return call("POST", url, body=body, **kwargs)

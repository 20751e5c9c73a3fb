"""`segments bi import`: the Superset dashboard kept as code (bi/dashboard.yml) created or replaced in a running
Superset through its REST API, on a read-only connection to the published warehouse file.

It works against any Superset 6 (the one `make bi` starts, or yours): it logs in with a user allowed to create
databases, datasets, charts and dashboards, takes a CSRF token, then
- creates or updates the database connection `database` of the spec (duckdb-engine, the published file opened
  read-only, so a publish that replaces the file is read by the next query);
- creates each dataset the charts name (schema.table) once, refreshing its columns when it exists;
- deletes the dashboard with the spec's slug and its charts, and creates them again from the spec, laid out by
  `rows` (12 columns, charts of a row sharing them).
Nothing in the spec is executed: chart metrics and filters are SQL that Superset runs against the read-only file.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import requests
import yaml

DEFAULT_SPEC = Path(__file__).resolve().parents[1] / "bi" / "dashboard.yml"


class BiError(Exception):
    """The dashboard cannot be imported; the message says why."""


@dataclass
class ImportResult:
    dashboard_id: int
    url: str
    charts: dict[str, int]
    database_id: int


def load_spec(path: str | Path = DEFAULT_SPEC) -> dict:
    try:
        spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        names = [chart["name"] for chart in spec["charts"]]
        spec["dashboard"]["slug"], spec["dashboard"]["title"], spec["database"], spec["rows"]  # noqa: B018
    except (OSError, yaml.YAMLError, KeyError, TypeError) as error:
        raise BiError(f"{path}: not a dashboard spec ({type(error).__name__}: {error})") from None
    if len(set(names)) != len(names):
        raise BiError(f"{path}: two charts share a name")
    laid_out = [name for row in spec["rows"] for name in row]
    unknown = sorted(set(laid_out) - set(names))
    if unknown or sorted(laid_out) != sorted(names):
        raise BiError(f"{path}: rows must place every chart once (unknown: {unknown}, "
                      f"not placed: {sorted(set(names) - set(laid_out))})")
    return spec


class Superset:
    def __init__(self, url: str, username: str, password: str, timeout: float = 60.0):
        self.url, self.timeout = url.rstrip("/"), timeout
        self.session = requests.Session()
        self.session.headers["Referer"] = self.url
        answer = self._request("POST", "/api/v1/security/login",
                               json={"username": username, "password": password, "provider": "db", "refresh": True},
                               what="logging in")
        self.session.headers["Authorization"] = f"Bearer {answer['access_token']}"
        token = self._request("GET", "/api/v1/security/csrf_token/", what="getting a CSRF token")["result"]
        self.session.headers["X-CSRFToken"] = token

    def _request(self, method: str, path: str, what: str, **kwargs):
        try:
            response = self.session.request(method, self.url + path, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            raise BiError(f"{what}: no answer from Superset at {self.url} ({type(error).__name__}); is it running?") from None
        if response.status_code >= 400:
            raise BiError(f"{what}: Superset answered {response.status_code}: {response.text[:500]}")
        try:
            return response.json() if response.content else {}
        except ValueError:
            raise BiError(f"{what}: {self.url} answered {response.status_code} with no JSON ({response.text[:200]!r}); "
                          "is it a Superset?") from None

    def find(self, resource: str, **match) -> list[dict]:
        found, page = [], 0
        while True:
            answer = self._request("GET", f"/api/v1/{resource}/?q=(page:{page},page_size:100)", what=f"listing {resource}s")
            rows = answer.get("result", [])
            found += [row for row in rows if all(row.get(k) == v for k, v in match.items())]
            if len(rows) < 100:
                return found
            page += 1


def _adhoc_metric(sql: str) -> dict:
    return {"expressionType": "SQL", "sqlExpression": sql, "label": sql, "optionName": f"metric_{uuid.uuid4().hex[:8]}"}


def _adhoc_filter(sql: str) -> dict:
    return {"expressionType": "SQL", "sqlExpression": sql, "clause": "WHERE", "filterOptionName": f"filter_{uuid.uuid4().hex[:8]}"}


def _position(spec: dict, chart_ids: dict[str, int]) -> dict:
    layout = {"DASHBOARD_VERSION_KEY": "v2",
              "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
              "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
              "HEADER_ID": {"type": "HEADER", "id": "HEADER_ID", "meta": {"text": spec["dashboard"]["title"]}}}
    for number, row in enumerate(spec["rows"], start=1):
        row_id = f"ROW-{number}"
        layout["GRID_ID"]["children"].append(row_id)
        layout[row_id] = {"type": "ROW", "id": row_id, "children": [], "parents": ["ROOT_ID", "GRID_ID"],
                          "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        for name in row:
            chart_id = f"CHART-{chart_ids[name]}"
            layout[row_id]["children"].append(chart_id)
            layout[chart_id] = {"type": "CHART", "id": chart_id, "children": [],
                                "parents": ["ROOT_ID", "GRID_ID", row_id],
                                "meta": {"width": 12 // len(row), "height": 60, "chartId": chart_ids[name],
                                         "sliceName": name}}
    return layout


def import_dashboard(url: str, username: str, password: str, published_path: str | Path,
                     spec_path: str | Path = DEFAULT_SPEC) -> ImportResult:
    spec = load_spec(spec_path)
    published = Path(published_path).resolve()
    if not published.exists():
        raise BiError(f"no published warehouse at {published}: run `segments publish` (make demo) first")
    api = Superset(url, username, password)
    database = {"database_name": spec["database"], "sqlalchemy_uri": f"duckdb:///{published}",
                "expose_in_sqllab": True, "allow_dml": False,
                # read-only, and no reading of other local files from SQL Lab (read_csv('/etc/...'))
                "extra": json.dumps({"engine_params": {"connect_args": {
                    "read_only": True, "config": {"enable_external_access": False}}}})}
    existing = api.find("database", database_name=spec["database"])
    if existing:
        database_id = existing[0]["id"]
        api._request("PUT", f"/api/v1/database/{database_id}", json=database, what="updating the database connection")
    else:
        database_id = api._request("POST", "/api/v1/database/", json=database, what="creating the database connection")["id"]

    datasets = {}
    for qualified in sorted({chart["dataset"] for chart in spec["charts"]}):
        schema, table = qualified.split(".", 1)
        found = [d for d in api.find("dataset", table_name=table, schema=schema)
                 if (d.get("database") or {}).get("id") == database_id]
        if found:
            datasets[qualified] = found[0]["id"]
            api._request("PUT", f"/api/v1/dataset/{found[0]['id']}/refresh", what=f"refreshing the columns of {qualified}")
        else:
            datasets[qualified] = api._request("POST", "/api/v1/dataset/", what=f"creating the dataset {qualified}",
                                               json={"database": database_id, "schema": schema, "table_name": table})["id"]

    slug = spec["dashboard"]["slug"]
    for old in api.find("dashboard", slug=slug):
        charts = api._request("GET", f"/api/v1/dashboard/{old['id']}/charts", what="listing the old dashboard's charts")
        api._request("DELETE", f"/api/v1/dashboard/{old['id']}", what="deleting the old dashboard")
        for chart in charts.get("result", []):
            # only the charts this import made (named as a chart of the spec) and now on no other dashboard
            if chart.get("slice_name") not in {c["name"] for c in spec["charts"]}:
                continue
            still = api._request("GET", f"/api/v1/chart/{chart['id']}", what="reading an old chart")
            if not (still.get("result") or {}).get("dashboards"):
                api._request("DELETE", f"/api/v1/chart/{chart['id']}", what="deleting an old chart")
    dashboard_id = api._request("POST", "/api/v1/dashboard/", what="creating the dashboard",
                                json={"dashboard_title": spec["dashboard"]["title"], "slug": slug, "published": True})["id"]
    chart_ids = {}
    for chart in spec["charts"]:
        dataset_id = datasets[chart["dataset"]]
        params = {"viz_type": chart["viz_type"], "datasource": f"{dataset_id}__table", **chart.get("params", {}),
                  "adhoc_filters": [_adhoc_filter(sql) for sql in chart.get("filters", [])]}
        if chart.get("metrics"):
            params["metrics"] = [_adhoc_metric(sql) for sql in chart["metrics"]]
        chart_ids[chart["name"]] = api._request(
            "POST", "/api/v1/chart/", what=f"creating the chart {chart['name']!r}",
            json={"slice_name": chart["name"], "viz_type": chart["viz_type"], "datasource_id": dataset_id,
                  "datasource_type": "table", "params": json.dumps(params), "dashboards": [dashboard_id]})["id"]
    api._request("PUT", f"/api/v1/dashboard/{dashboard_id}", what="laying the dashboard out",
                 json={"position_json": json.dumps(_position(spec, chart_ids))})
    return ImportResult(dashboard_id, f"{api.url}/superset/dashboard/{slug}/", chart_ids, database_id)

"""A hub and two nodes as separate processes: enrolled, synced, a key rotated, and nothing lost or added."""

from __future__ import annotations

from collections.abc import Callable

from federation.protocol.jws import parse_compact
from federation.protocol.keys import load_signing_key
from federation.protocol.messages import REPORT
from node.federation.keys import KEY_FILENAME
from tests.e2e.conftest import Hub, Node, Servers, header_of, month, payload_of, wijknet


def test_the_hub_holds_exactly_the_figures_the_nodes_computed(
    servers: Servers, hub: Hub, enrolled_node: Callable[..., Node]
) -> None:
    noordwest = enrolled_node("noordwest", "WK034402")
    overvecht = enrolled_node("overvecht", "WK034403")
    for node in (noordwest, overvecht):
        synced = node.sync()
        assert [r["period"] for r in synced["revisions"]] == [month(offset) for offset in range(-3, 1)]
        assert (synced["delivered"], synced["waiting"], synced["failed"]) == (4, 0, 0)

    for node in (noordwest, overvecht):
        assert {f[3] for f in node.published()} == {node.wijk, node.buurt}  # figures for the wijk and its buurt
    assert hub.figures() == noordwest.published() | overvecht.published()  # no more, no less
    assert hub.reports_per_month() == noordwest.reports_made() + overvecht.reports_made()

    old_kid = hub.nodes()["noordwest"]["keys"][0]["kid"]
    rotated = wijknet("node", "rotate-key", "--instance", str(noordwest.instance))
    assert rotated["accepted"] is True and rotated["kid"] != old_kid
    keys = {key["kid"]: key for key in hub.nodes()["noordwest"]["keys"]}
    assert keys[rotated["kid"]]["current"] and not keys[old_kid]["current"] and keys[old_kid]["retired_after"]

    # A late entry for a month the hub already holds: a second revision of that month, signed by the new key.
    servers.start("node", noordwest.instance, noordwest.port)
    noordwest.post("activities", {"title": "Repaircafé", "category": "practical", "held_on": f"{month(-2)}-15",
                                  "participants": 9})  # fmt: skip
    late = noordwest.sync()
    assert late["revisions"] == [{"period": month(-2), "revision": 2}]
    assert (late["delivered"], late["waiting"], late["failed"]) == (1, 0, 0)
    before = [r for r in hub.reports() if r["node_id"] == "noordwest" and r["revision"] == 1]
    assert {r["kid"] for r in before} == {old_kid}  # the reports from before the rotation keep theirs
    [late_report] = [r for r in hub.reports() if r["revision"] == 2]
    jws = late_report["jws"]
    assert late_report["kid"] == header_of(jws)["kid"] == rotated["kid"]
    new_key = load_signing_key(noordwest.instance / KEY_FILENAME)
    assert new_key.kid == rotated["kid"]
    parse_compact(jws, typ=REPORT.typ).verify(new_key.public)  # raises unless signed by the new key
    assert payload_of(jws)["period"] == month(-2)

    now_at_hub = hub.figures("noordwest")
    assert now_at_hub == noordwest.published()
    assert {f[2] for f in now_at_hub if f[1] == month(-2)} == {2}
    assert hub.figures() == now_at_hub | overvecht.published()
    counts = hub.reports_per_month()
    assert counts == noordwest.reports_made() + overvecht.reports_made()
    assert set(counts.values()) == {1}  # every revision of every month exactly once
    assert {item["state"] for node in (noordwest, overvecht) for item in node.outbox()} == {"delivered"}

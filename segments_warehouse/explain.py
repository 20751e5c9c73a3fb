"""`segments explain CONTACT_ID`: every segment model's segment for one contact, and why, from the last build.

It reads the built marts (docs/registry.md, Explanations): the contact's rows of `fct_segment_membership`, and for
an account model the rows of the contact's account (its `account_id` in `dim_contact_segments`), in registry
order, then the contact's and its account's latest rows of `fct_segment_transitions`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .registry import SegmentModel


class ExplainError(Exception):
    """The warehouse cannot answer: no file, not built, or no such contact."""


@dataclass(frozen=True)
class Membership:
    segment_model: str
    entity_type: str
    entity_id: str
    segment: str
    explanation: str


@dataclass(frozen=True)
class Transition:
    transition_date: dt.date
    segment_model: str
    transition_type: str
    from_segment: str | None
    to_segment: str | None
    explanation: str | None


@dataclass
class ContactExplanation:
    contact_id: str
    account_id: str | None
    as_of_date: dt.date
    memberships: list[Membership] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "contact_id": self.contact_id, "account_id": self.account_id, "as_of_date": self.as_of_date.isoformat(),
            "memberships": [vars(m) for m in self.memberships],
            "transitions": [{**vars(t), "transition_date": t.transition_date.isoformat()} for t in self.transitions],
        }


def _connect(duckdb_path: str | Path):
    import duckdb

    path = Path(duckdb_path)
    if not path.exists():
        raise ExplainError(f"{path} does not exist: build the warehouse first (make build), or pass --duckdb")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise ExplainError(f"cannot open {path}: {error}") from None


def explain_contact(duckdb_path: str | Path, contact_id: str, models: tuple[SegmentModel, ...],
                    transitions: int = 10) -> ContactExplanation:
    """The contact's segments and explanations in registry order, and its `transitions` latest transitions."""
    import duckdb

    con = _connect(duckdb_path)
    try:
        try:
            found = con.execute("select account_id, as_of_date from marts.dim_contact_segments where contact_id = ?",
                                [contact_id]).fetchone()
        except duckdb.CatalogException:
            raise ExplainError(f"{duckdb_path} has no marts.dim_contact_segments: build the warehouse first "
                               "(make build)") from None
        if found is None:
            raise ExplainError(f"contact {contact_id!r} is not in marts.dim_contact_segments of {duckdb_path} (the "
                               "contacts existing on the built as_of_date; an erased or deleted contact is not)")
        account_id, as_of_date = found
        result = ContactExplanation(contact_id, account_id, as_of_date)
        try:
            rows = con.execute(
                "select segment_model, entity_type, entity_id, segment, explanation from marts.fct_segment_membership"
                " where (entity_type = 'contact' and entity_id = ?) or (entity_type = 'account' and entity_id = ?)",
                [contact_id, account_id]).fetchall()
        except duckdb.BinderException:
            raise ExplainError(f"{duckdb_path}: marts.fct_segment_membership has no explanation column; it was "
                               "built before explanations: rebuild (make build)") from None
        by_model = {row[0]: Membership(*row) for row in rows}
        if account_id is None:  # an account model's wide column takes its missing value (docs/registry.md)
            for model in models:
                if model.entity_type == "account" and model.name not in by_model:
                    by_model[model.name] = Membership(
                        model.name, "account", "", str(model.column(model.segment_column).missing),
                        "the contact has no account: the registry's missing value for it")
        result.memberships = [by_model[model.name] for model in models if model.name in by_model]
        unknown = sorted(set(by_model) - {model.name for model in models})
        result.memberships += [by_model[name] for name in unknown]  # built by another registry: still shown
        try:
            history = con.execute(
                "select transition_date, segment_model, transition_type, from_segment, to_segment, explanation"
                " from marts.fct_segment_transitions"
                " where (entity_type = 'contact' and entity_id = ?) or (entity_type = 'account' and entity_id = ?)"
                " order by transition_date desc, segment_model limit ?",
                [contact_id, account_id, transitions]).fetchall()
        except duckdb.BinderException:
            raise ExplainError(f"{duckdb_path}: marts.fct_segment_transitions has no explanation column; add it "
                               "(docs/operations.md, Segment history) and rebuild") from None
        result.transitions = [Transition(*row) for row in history]
        return result
    finally:
        con.close()

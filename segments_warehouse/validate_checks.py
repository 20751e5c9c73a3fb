"""The SQL of segments validate's cross-table checks (segments_warehouse/validate.py runs them as expectation suites):
the wide mart agrees with every per-contact mart and the CRM feed, the history with the membership, the summary's
totals with the entity counts, and every raw table's rows with staging's kept + quarantined. Also the mart and
column names those checks and the suites share."""

from __future__ import annotations

from typing import Any

from .registry import SegmentModel, crm_properties, wide_columns

Models = tuple[SegmentModel, ...]


def dim_columns(models: Models) -> dict[str, list[str]]:
    """Per contact mart, the columns dim_contact_segments repeats from it: they must agree, contact by contact."""
    columns: dict[str, list[str]] = {}
    for model, column in wide_columns(models):
        if model.entity_type == "contact":
            columns.setdefault(model.mart, []).append(column.name)
    return columns


def agreement_sql(models: Models) -> str:
    """contact_id, mart, in_dim, in_mart, agrees: every contact of dim_contact_segments in every per-contact mart,
    and no other, with the same values in the columns dim_contact_segments repeats; every contact with the wide
    columns of its account's model (or their missing values); every email of the CRM feed with its properties."""
    parts = []
    for mart, columns in dim_columns(models).items():
        same = " and ".join(f"dim.{c} is not distinct from m.{c}" for c in columns)
        parts.append(
            f"select coalesce(dim.contact_id, m.contact_id) as contact_id, '{mart}' as mart, "
            f"dim.contact_id is not null as in_dim, m.contact_id is not null as in_mart, coalesce({same}, false) as agrees "
            f"from marts.dim_contact_segments as dim full outer join marts.{mart} as m on dim.contact_id = m.contact_id"
        )
    for model in models:
        columns = [column for column in model.columns if column.wide and model.entity_type == "account"]
        if not columns:
            continue
        same = " and ".join(f"dim.{c.name} is not distinct from coalesce(s.{c.name}, {_literal(c.missing)})" for c in columns)
        parts.append(
            f"select coalesce(dim.contact_id, s.contact_id), '{model.mart}', dim.contact_id is not null, "
            f"s.contact_id is not null, coalesce({same}, false) "
            "from marts.dim_contact_segments as dim full outer join ("
            f"  select c.contact_id, {', '.join('m.' + c.name for c in columns)} from intermediate.int_contacts__as_of as c"
            f"  left join marts.{model.mart} as m on c.account_id = m.account_id) as s on dim.contact_id = s.contact_id"
        )
    rev_same = " and ".join(f"r.{p} is not distinct from dim.{c}" for p, c in crm_properties(models).items())
    parts.append(
        "select coalesce(dim.contact_id, e.contact_id), 'rev_etl__crm_contacts', dim.contact_id is not null, "
        f"r.email is not null, coalesce({rev_same}, false) "
        "from reverse_etl.rev_etl__crm_contacts as r "
        "left join intermediate.int_contacts__emails as e on r.email = e.email "
        "left join marts.dim_contact_segments as dim on e.contact_id = dim.contact_id"
    )
    return "\nunion all\n".join(parts)


def _literal(value: Any) -> str:
    """A registry missing value as a DuckDB literal (macro registry_literal on the dbt side)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def history_sql(facts: Any) -> str:
    """Per entity and model: the segment the history says it has on as_of_date (its latest transition) against
    fct_segment_membership; and per segment, the size series on as_of_date against agg_segment_summary."""
    as_of = facts.as_of_date.isoformat()
    return (
        "with latest as (select entity_type, entity_id, segment_model, to_segment, row_number() over ("
        "  partition by entity_type, entity_id, segment_model order by transition_date desc) as recency"
        f"  from marts.fct_segment_transitions where transition_date <= date '{as_of}'), "
        "current_state as (select * from latest where recency = 1 and to_segment is not null) "
        "select 'transitions' as source, coalesce(m.entity_id, c.entity_id) as id, m.entity_id is not null as in_dim, "
        "c.entity_id is not null as in_mart, coalesce(m.segment = c.to_segment, false) as agrees "
        "from marts.fct_segment_membership as m full outer join current_state as c on m.entity_type = c.entity_type "
        "and m.entity_id = c.entity_id and m.segment_model = c.segment_model "
        "union all "
        "select 'size_daily', coalesce(d.segment_model, a.segment_model) || '.' || coalesce(d.segment, a.segment), "
        "a.segment is not null or d.entities = 0, d.segment is not null, coalesce(d.entities = a.entities, d.entities = 0) "
        f"from (select * from marts.agg_segment_size_daily where as_of_date = date '{as_of}') as d "
        "full outer join marts.agg_segment_summary as a on d.segment_model = a.segment_model and d.segment = a.segment"
    )


def summary_totals_sql(facts: Any) -> str:
    cases = " ".join(f"when '{model.name}' then {facts.entities(model)}" for model in facts.models)
    return (
        "select segment_model, sum(share_of_total) as share_sum, sum(entities) as entities, "
        f"sum(entities) = case segment_model {cases} end as entities_match "
        "from marts.agg_segment_summary group by segment_model"
    )


def raw_balance_sql(raw_tables: dict[tuple[str, str], str]) -> str:
    """Per raw table: rows in the raw table = rows staging kept + quarantined (the data-quality mart), counted
    independently of dbt."""
    parts = [
        f"select '{source}' as source_name, '{table}' as table_name, (select count(*) from {qualified}) as raw_rows"
        for (source, table), qualified in raw_tables.items()
    ]
    return (
        f"with raw as ({' union all '.join(parts)}), "
        "dq as (select source_name, table_name, sum(row_count) as staged_rows, max(rows_in) as rows_in "
        "from data_quality.fct_data_quality__staging_rows group by 1, 2) "
        "select raw.source_name, raw.table_name, raw.raw_rows, dq.staged_rows, "
        "coalesce(raw.raw_rows = dq.staged_rows and raw.raw_rows = dq.rows_in, false) as balanced "
        "from raw left join dq using (source_name, table_name)"
    )

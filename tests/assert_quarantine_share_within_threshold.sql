-- Quarantine-rate gate: no raw table may have a share of its rows quarantined for one reason above its threshold
-- (vars max_quarantine_share, quarantine_share_overrides, quarantine_gate_min_rows; macros/screening/quarantine_gate.sql).
-- When one does, the test stops with one message naming the table, reason, count, share and a sample record id
-- (dbt prints it as the test's error) instead of a bare "got 1 result"; the rows below are the same violations.
{%- set quarantined = {} -%}
{%- for source_name, table_name in staged_raw_tables() -%}
    {%- do quarantined.update({
        source_name ~ '.' ~ table_name: ref('stg_' ~ source_name ~ '__' ~ table_name ~ '_quarantined')}) -%}
{%- endfor -%}

{%- set violations_sql -%}
with

staging_rows as (

    select * from {{ ref('fct_data_quality__staging_rows') }}

),

thresholds as (

    select
        source_name,
        table_name,
        reason,
        row_count,
        rows_in,
        share_of_rows_in,
        {{ quarantine_share_threshold('source_name', 'table_name', 'reason') }} as max_share
    from staging_rows
    where outcome = 'quarantined' and rows_in > 0

),

violations as (

    select * from thresholds
    where
        share_of_rows_in > max_share
        and row_count >= {{ quarantine_gate_min_rows() }}

)

select * from violations
{%- endset -%}

{{- raise_on_quarantine_gate(violations_sql, quarantined) }}

{{ violations_sql }}

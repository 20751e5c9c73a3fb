-- Nothing is silently dropped: for every raw table, rows kept by staging + rows quarantined = raw rows.
-- Counts the contract tables as their adapter delivers them (the generic adapter: the raw table itself, read by name),
-- independently of the base models that split them.
-- In the ingestion group: it reads the private adapter models (models/_groups.yml).
{{ config(group="ingestion") }}
{%- set staged_tables = staged_raw_tables() %}

with

balances as (

    {% for source_name, table_name in staged_tables %}
        select
            '{{ source_name }}.{{ table_name }}' as raw_table,
            (select count(*) from {{ raw_relation(table_name) }}) as rows_in,
            (select count(*) from {{ ref('stg_' ~ source_name ~ '__' ~ table_name) }}) as rows_kept,
            (select count(*) from {{ ref('stg_' ~ source_name ~ '__' ~ table_name ~ '_quarantined') }}) as rows_quarantined
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select *
from balances
where rows_in <> rows_kept + rows_quarantined

{#-
    Every base_ model screens each raw row and gives it a `quarantine_reason` (null when the row is kept).
    These two macros are the only ways rows leave a base model, so kept + quarantined = rows in by construction,
    and tests/assert_raw_rows_balance.sql checks it against the raw tables themselves.
-#}

{#- The kept rows of a base model, with the listed columns. -#}
{% macro select_kept(base_model, columns) -%}
    select
        {%- for column in columns %}
        {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref(base_model) }}
    where quarantine_reason is null
{%- endmacro %}

{#-
    The quarantined rows of a base model in the common quarantine shape. For erasure the record id and the
    detail are withheld: a quarantine table must not keep what the person asked to be forgotten.
    `record_id`: the expression of the raw row's id in the base model.
-#}
{% macro select_quarantined(base_model, source_name, table_name, record_id='record_id') -%}
    select
        cast('{{ source_name }}' as {{ dbt.type_string() }}) as source_name,
        cast('{{ table_name }}' as {{ dbt.type_string() }}) as table_name,
        case when quarantine_reason <> 'erasure_requested' then {{ record_id }} end as record_id,
        quarantine_reason as reason,
        case when quarantine_reason <> 'erasure_requested' then quarantine_detail end as detail,
        loaded_at
    from {{ ref(base_model) }}
    where quarantine_reason is not null
{%- endmacro %}

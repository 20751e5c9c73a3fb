{#-
    Per raw table: how many rows staging kept and how many it quarantined, by reason. rows_in is the table's
    raw row count; tests/assert_raw_rows_balance.sql checks kept + quarantined = raw rows, table by table.
-#}
{%- set staged_tables = staged_raw_tables() -%}

with

outcomes as (

    {% for source_name, table_name in staged_tables %}
        select
            cast('{{ source_name }}' as {{ dbt.type_string() }}) as source_name,
            cast('{{ table_name }}' as {{ dbt.type_string() }}) as table_name,
            cast('kept' as {{ dbt.type_string() }}) as outcome,
            cast(null as {{ dbt.type_string() }}) as reason,
            count(*) as row_count
        from {{ ref('stg_' ~ source_name ~ '__' ~ table_name) }}

        union all

        select
            source_name,
            table_name,
            cast('quarantined' as {{ dbt.type_string() }}) as outcome,
            reason,
            count(*) as row_count
        from {{ ref('stg_' ~ source_name ~ '__' ~ table_name ~ '_quarantined') }}
        group by source_name, table_name, reason
        {% if not loop.last %}
            union all
        {% endif %}
    {% endfor %}

),

with_totals as (

    select
        source_name,
        table_name,
        outcome,
        reason,
        row_count,
        sum(row_count) over (partition by source_name, table_name) as rows_in
    from outcomes

),

final as (

    select
        source_name,
        table_name,
        outcome,
        reason,
        row_count,
        rows_in,
        case when rows_in > 0 then cast(row_count as {{ type_double() }}) / rows_in end as share_of_rows_in
    from with_totals

)

select * from final

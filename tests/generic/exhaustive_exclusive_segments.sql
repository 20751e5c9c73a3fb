{#-
    A mart's segment column is exhaustive and exclusive: exactly one row per entity that should be there (every
    row of `entities`, nothing else, no key twice) and every segment value from the allowed list.
    Returns one row per problem, with the entity key and what is wrong.
-#}
{% test exhaustive_exclusive_segments(model, column_name, key, entities, values) %}
{#- at parse time dbt renders an argument that calls a macro (segment_values) as empty; no SQL runs then -#}
{%- if not execute %}{% set values = ['parsing'] %}{% endif %}

with

mart as (

    select
        cast({{ key }} as {{ dbt.type_string() }}) as entity_key,
        cast({{ column_name }} as {{ dbt.type_string() }}) as segment
    from {{ model }}

),

expected as (

    select cast({{ key }} as {{ dbt.type_string() }}) as entity_key
    from {{ entities }}

),

problems as (

    select
        expected.entity_key,
        cast('missing from the mart' as {{ dbt.type_string() }}) as problem
    from expected
    where not exists (select 1 from mart where mart.entity_key = expected.entity_key)

    union all

    select
        mart.entity_key,
        cast('not an expected entity' as {{ dbt.type_string() }}) as problem
    from mart
    where mart.entity_key is null
        or not exists (select 1 from expected where expected.entity_key = mart.entity_key)

    union all

    select
        entity_key,
        cast('more than one row' as {{ dbt.type_string() }}) as problem
    from mart
    group by entity_key
    having count(*) > 1

    union all

    select
        entity_key,
        {{ dbt.concat(["'segment not allowed: '", "coalesce(segment, 'null')"]) }} as problem
    from mart
    where segment is null or segment not in {{ sql_string_list(values) }}

)

select * from problems

{% endtest %}

{#-
    Helpers of the billing and survey adapters (stripe, qualtrics; docs/adapters.md): read a loader column that
    may be missing, and read Stripe times written as epoch seconds or as timestamps.
-#}

{#- A loader column by name (quoted as the table spells it), or null of `type` when the table lacks it: loaders
    write some columns only once a value was seen. `columns`: the table's columns, read once per model with
    loader_columns(relation) (loader_columns.sql; empty at parse time, so every name reads as null there). -#}
{% macro loader_column_or_null(columns, column_name, type='string') -%}
    {%- if column_name | lower in columns -%}
        {{ return(adapter.quote(columns[column_name | lower].name)) }}
    {%- endif -%}
    {{ return('cast(null as ' ~ contract_column_type(type) ~ ')') }}
{%- endmacro %}

{#- Epoch seconds (a whole number) to a UTC timestamp without time zone. -#}
{% macro epoch_seconds_to_timestamp(expression) -%}
    {{ return(adapter.dispatch('epoch_seconds_to_timestamp', 'segments')(expression)) }}
{%- endmacro %}

{% macro default__epoch_seconds_to_timestamp(expression) -%}
    cast(to_timestamp(cast({{ expression }} as {{ dbt.type_bigint() }})) at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro duckdb__epoch_seconds_to_timestamp(expression) -%}
    make_timestamp(cast({{ expression }} as {{ dbt.type_bigint() }}) * 1000000)
{%- endmacro %}

{% macro spark__epoch_seconds_to_timestamp(expression) -%}
    timestamp_seconds(cast({{ expression }} as {{ dbt.type_bigint() }}))
{%- endmacro %}

{#-
    A Stripe time as the contract's text. Stripe's API writes times as epoch seconds (`created: 1761998400`);
    Fivetran lands them as timestamps. A whole number of 9 to 11 digits is epoch seconds and becomes its UTC time;
    a typed timestamp or ISO text passes through as text (the screening parses it, or quarantines the row as
    unparseable_timestamp with the raw value).
-#}
{% macro stripe_time(expression) -%}
    case
        when length(nullif(trim(cast({{ expression }} as {{ dbt.type_string() }})), '')) between 9 and 11
            and {{ try_cast_number(expression, 'bigint') }} is not null
            then cast({{ epoch_seconds_to_timestamp(try_cast_number(expression, 'bigint')) }} as {{ dbt.type_string() }})
        else nullif(trim(cast({{ expression }} as {{ dbt.type_string() }})), '')
    end
{%- endmacro %}

{#- A loader boolean that may be typed or text ('true', 't', '1', 'yes'); null stays null. In parentheses: Spark's
    parser rejects `x in (...) is false` (make test-spark found it in base_stripe__orders). -#}
{% macro loader_flag(expression) -%}
    (lower(trim(cast({{ expression }} as {{ dbt.type_string() }}))) in ('true', 't', '1', 'yes', 'y'))
{%- endmacro %}

{#-
    The person a Stripe customer id is when no CRM contact matches its email: `stripe:<customer id>` (null for no
    customer). The orders' contact_id, the subscriptions' account_id and the erasure node's ids of such a person.
-#}
{% macro stripe_person_id(customer_id) -%}
    case when {{ customer_id }} is not null then {{ dbt.concat(["'stripe:'", customer_id]) }} end
{%- endmacro %}

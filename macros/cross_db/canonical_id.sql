{#-
    One text form for an id, whatever the raw column's type, so that a key and the foreign keys naming it match:
    text is trimmed (blank is null) and otherwise kept as it is (leading zeros, case, a text "30.0" included);
    a number typed as a float or a decimal (a Parquet DOUBLE, a DECIMAL(18, 1)) that is whole is written as its
    integer text, "30" as a BIGINT would be, never "30.0". A typed id with a real fraction keeps its text.
    Used for every id and foreign id column of the base models (record ids, contact_id, account_id,
    parent_order_id, response_id, user_id, anonymous_id).
-#}
{% macro canonical_id(expression) -%}
    {{ return(adapter.dispatch('canonical_id', 'segments')(expression)) }}
{%- endmacro %}

{#- Engines without a runtime type test: trim only (numbers there are written without a zero fraction). -#}
{% macro default__canonical_id(expression) -%}
    {{ blank_to_null(expression) }}
{%- endmacro %}

{#- DuckDB writes a whole DOUBLE 30 as "30.0"; typeof is constant per column (no cost per row when text). -#}
{% macro duckdb__canonical_id(expression) -%}
    case
        when typeof({{ expression }}) in ('DOUBLE', 'FLOAT') or typeof({{ expression }}) like 'DECIMAL%'
            then regexp_replace({{ blank_to_null(expression) }}, '^([+-]?[0-9]+)\.0*$', '\1')
        else {{ blank_to_null(expression) }}
    end
{%- endmacro %}

{#- Postgres writes a whole double without fraction ("30"), a numeric with its scale ("30.0"). -#}
{% macro postgres__canonical_id(expression) -%}
    case
        when pg_typeof({{ expression }}) in ('double precision'::regtype, 'real'::regtype, 'numeric'::regtype)
            then regexp_replace({{ blank_to_null(expression) }}, '^([+-]?[0-9]+)\.0*$', '\1')
        else {{ blank_to_null(expression) }}
    end
{%- endmacro %}

{#- Spark writes a whole double of 10^7 or more as "1.2345678E7": below 10^16 it is written as its digits first. -#}
{% macro spark__canonical_id(expression) -%}
    case
        when {{ spark_is_whole_double(expression) }} then format_string('%.0f', {{ spark_number_of(expression) }})
        when typeof({{ expression }}) in ('double', 'float') or typeof({{ expression }}) like 'decimal%'
            then regexp_replace({{ blank_to_null(expression) }}, '^([+-]?[0-9]+)\\.0*$', '$1')
        else {{ blank_to_null(expression) }}
    end
{%- endmacro %}

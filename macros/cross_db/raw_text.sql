{#-
    A raw value as text for a quarantine detail, written the same on every engine. A raw number column may be
    typed DOUBLE (the generator) or text (files loaded as CSV): text stays as it is; a whole double is written
    "-10.0" as DuckDB does, where Postgres would write "-10".
-#}
{% macro raw_text(expression) -%}
    {{ return(adapter.dispatch('raw_text', 'segments')(expression)) }}
{%- endmacro %}

{% macro default__raw_text(expression) -%}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}

{% macro postgres__raw_text(expression) -%}
    case
        when pg_typeof({{ expression }}) in ('double precision'::regtype, 'real'::regtype)
            and cast({{ expression }} as {{ dbt.type_string() }}) ~ '^-?[0-9]+$'
            then cast({{ expression }} as {{ dbt.type_string() }}) || '.0'
        else cast({{ expression }} as {{ dbt.type_string() }})
    end
{%- endmacro %}

{#- Spark writes a double in Java's form ("5.0E7" from 10^7 up, "NaN", "Infinity"): a whole double or float below
    10^16 is written as digits and ".0" (format_string keeps the sign of -0.0), and the non-finite ones as
    DuckDB writes them. A fractional double of 10^7 or more keeps Java's form. -#}
{% macro spark__raw_text(expression) -%}
    {#- Spark type-checks every branch, and a timestamp_ntz cannot be cast to double: go through text. -#}
    {%- set number = spark_number_of(expression) -%}
    case
        when typeof({{ expression }}) not in ('double', 'float') then cast({{ expression }} as string)
        when isnan({{ number }}) then 'nan'
        when {{ number }} = cast('Infinity' as double) then 'inf'
        when {{ number }} = cast('-Infinity' as double) then '-inf'
        when {{ spark_is_whole_double(expression) }} then format_string('%.1f', {{ number }})
        else cast({{ expression }} as string)
    end
{%- endmacro %}

{#- Spark: any expression as a double, through its text (legal for every type; exact for a double). -#}
{% macro spark_number_of(expression) -%}
    cast(cast({{ expression }} as string) as double)
{%- endmacro %}

{#- Spark: the expression is a whole double or float below 10^16 (digits, where Spark would write "1.0E7"). -#}
{% macro spark_is_whole_double(expression) -%}
    {%- set number = spark_number_of(expression) -%}
    typeof({{ expression }}) in ('double', 'float') and abs({{ number }}) < 1e16 and {{ number }} = floor({{ number }})
{%- endmacro %}

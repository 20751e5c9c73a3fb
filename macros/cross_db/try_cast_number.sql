{#-
    A number from text or a typed column, or null when it is not one ("ten", "N/A", "", "1,234.50", "1234,50",
    "1_000", out of range). Only the contract's form is read: digits, an optional "." fraction, an optional
    exponent. NaN and infinities are no numbers here either (they are null on every engine): a caller that must
    tell them apart uses is_non_finite_number() on the raw text.
-#}
{% macro try_cast_number(expression, type='double') -%}
    {{ return(adapter.dispatch('try_cast_number', 'segments')(expression, type)) }}
{%- endmacro %}

{#- The number format of the contract (no sign-less "inf", no separators), as a regular expression. -#}
{% macro number_pattern() -%}
    ^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$
{%- endmacro %}

{#- The SQL type for a type name; 'double' is the 8-byte float on every engine. -#}
{% macro number_type(type) -%}
    {%- if type | lower in ['double', 'double precision', 'float8'] -%}
        {{ type_double() }}
    {%- else -%}
        {{ api.Column.translate_type(type) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__try_cast_number(expression, type) -%}
    case
        when trim(cast({{ expression }} as {{ dbt.type_string() }})) ~ '{{ number_pattern() }}'
            then cast(trim(cast({{ expression }} as {{ dbt.type_string() }})) as {{ number_type(type) }})
    end
{%- endmacro %}

{#-
    Postgres: the same format check, then a cast that gives null when out of range (macros/cross_db/safe_cast_functions.sql);
    a typed NaN or Infinity is written 'NaN' / 'Infinity', which the format check refuses.
-#}
{% macro postgres__try_cast_number(expression, type) -%}
    {%- set kind = type | lower -%}
    {%- if kind in ['double', 'double precision', 'float8'] -%}
        {%- set function = 'segments_try_double' -%}
    {%- elif kind in ['bigint', 'int8'] -%}
        {%- set function = 'segments_try_bigint' -%}
    {%- elif kind in ['integer', 'int', 'int4'] -%}
        {%- set function = 'segments_try_integer' -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("try_cast_number on Postgres supports double, bigint and integer, not " ~ type) }}
    {%- endif -%}
    case
        when trim(cast({{ expression }} as {{ dbt.type_string() }})) ~ '{{ number_pattern() }}'
            then {{ safe_cast_schema() }}.{{ function }}(trim(cast({{ expression }} as {{ dbt.type_string() }})))
    end
{%- endmacro %}

{#-
    DuckDB: TRY_CAST alone reads "NaN", "inf", "1_000" and " 1e999" (infinity): the format check and a finite check
    come first.
-#}
{% macro duckdb__try_cast_number(expression, type) -%}
    {%- set text = 'trim(cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ '))' -%}
    case
        when regexp_full_match({{ text }}, '{{ number_pattern() }}') and isfinite(try_cast({{ text }} as double))
            then try_cast({{ text }} as {{ number_type(type) }})
    end
{%- endmacro %}

{#-
    Spark: the same format check (rlike), then try_cast. Whole-number types go through a double rounded half away
    from zero ("12.5" -> 13), as DuckDB's TRY_CAST does (Spark's cast would truncate); a double beyond range
    ("1e999") is null, not infinity.
-#}
{% macro spark__try_cast_number(expression, type) -%}
    {%- set text = 'trim(cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ '))' -%}
    {%- set as_double = 'try_cast(' ~ text ~ ' as double)' -%}
    case
        when {{ text }} rlike '{{ number_pattern() | replace("\\", "\\\\") }}'
            and abs({{ as_double }}) < double('Infinity')
            then
            {%- if type | lower in ['double', 'double precision', 'float8'] %} {{ as_double }}
            {%- else %} try_cast(round({{ as_double }}) as {{ api.Column.translate_type(type) }})
            {%- endif %}
    end
{%- endmacro %}

{#-
    True when a raw value is NaN or an infinity, as text ("NaN", "inf", "-Infinity", any case) or as a typed
    double (DuckDB writes nan / inf / -inf, Postgres and Spark NaN / Infinity / -Infinity). Staging quarantines
    such an amount as non_finite_amount instead of calling it malformed.
-#}
{% macro is_non_finite_number(expression) -%}
    coalesce(
        lower(trim(cast({{ expression }} as {{ dbt.type_string() }})))
        in ('nan', '+nan', '-nan', 'inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity'),
        false
    )
{%- endmacro %}

{#-
    A number that may be written with thousands separators, for CRM attributes people type by hand (household
    income, employee count, annual revenue): "85,000", "1 200" and "1,234,567.5" (groups of three digits after a
    comma, a space, a no-break or a narrow no-break space, one kind per number, the decimal point a ".") are
    read; anything else goes through try_cast_number. Never guessed: "1.200" (a point then exactly three
    digits: 1.2 or 1200?) and "1.200.000" or "1200,50" (a decimal comma) are null, and the base model keeps the
    raw text so the data-quality mart counts them (fct_data_quality__flagged_records).
-#}
{% macro try_cast_grouped_number(expression, type='double') -%}
    {%- set text = 'trim(cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ '))' -%}
    {%- set grouped = '^[+-]?[0-9]{1,3}((,[0-9]{3})+|( [0-9]{3})+|(\u00a0[0-9]{3})+|(\u202f[0-9]{3})+)(\\.[0-9]+)?$' -%}
    case
        when {{ regex_matches(text, grouped) }}
            then {{ try_cast_number(
                "replace(replace(replace(replace(" ~ text ~ ", ',', ''), ' ', ''), '\u00a0', ''), '\u202f', '')", type
            ) }}
        when {{ regex_matches(text, '^[+-]?[0-9]{1,3}\\.[0-9]{3}$') }} then null
        else {{ try_cast_number(expression, type) }}
    end
{%- endmacro %}

{#-
    A full-match regular-expression test of text, on every engine. `pattern` is written with single backslashes
    as seen by the regex engine (Spark's string literals need them doubled; done here).
-#}
{% macro regex_matches(text, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'segments')(text, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(text, pattern) -%}
    coalesce({{ text }} ~ '{{ pattern }}', false)
{%- endmacro %}

{% macro duckdb__regex_matches(text, pattern) -%}
    coalesce(regexp_full_match({{ text }}, '{{ pattern }}'), false)
{%- endmacro %}

{#- Java's `$` also matches before a final line terminator ("a@b.com\n"): a pattern's closing `$` is `\z` here. -#}
{% macro spark__regex_matches(text, pattern) -%}
    {%- set pattern = pattern[:-1] ~ '\\z' if pattern.endswith('$') else pattern -%}
    coalesce({{ text }} rlike '{{ pattern | replace("\\", "\\\\") }}', false)
{%- endmacro %}

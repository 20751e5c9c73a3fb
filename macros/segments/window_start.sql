{#-
    First date of "the last N days" ending on as_of_date: as_of_date - (N - 1) (SEGMENTS.md "Time").
    A date d is in the window when window_start(N) <= d <= as_of_date.
-#}
{% macro window_start(days) -%}
    {{ dbt.dateadd('day', '-' ~ ((days | int) - 1), as_of_date()) }}
{%- endmacro %}

{#- "days since X": as_of_date - date(X) in whole days. -#}
{% macro days_since(date_expression) -%}
    {{ dbt.datediff(date_expression, as_of_date(), 'day') }}
{%- endmacro %}

{#- The end of as_of_date as an exclusive timestamp bound: events strictly before it count. -#}
{% macro as_of_end_timestamp() -%}
    cast({{ dbt.dateadd('day', 1, as_of_date()) }} as timestamp)
{%- endmacro %}

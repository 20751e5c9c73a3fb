-- explain_value (macros/segments/explanation.sql) writes a value the same way on DuckDB, Postgres and Spark, so
-- explanations compare equal across engines: a whole number without decimals, any other number with two
-- (rounded half away from zero), booleans as true or false, a timestamp to the second, null as null.
-- A row here is a value written otherwise.
{%- set double = type_double() %}
{%- set cases = [
    ('whole double', 'cast(17 as ' ~ double ~ ')', 'number', '17'),
    ('whole bigint', 'cast(-3 as ' ~ dbt.type_bigint() ~ ')', 'number', '-3'),
    ('two decimals', 'cast(1234.5 as ' ~ double ~ ')', 'number', '1234.50'),
    ('rounded half away from zero', 'cast(0.125 as ' ~ double ~ ')', 'number', '0.13'),
    ('negative fraction', 'cast(-2.5 as ' ~ double ~ ')', 'number', '-2.50'),
    ('zero', 'cast(0 as ' ~ double ~ ')', 'number', '0'),
    ('null number', 'cast(null as ' ~ double ~ ')', 'number', 'null'),
    ('true', '(1 = 1)', 'boolean', 'true'),
    ('false', '(1 = 0)', 'boolean', 'false'),
    ('null boolean', 'cast(null as ' ~ dbt.type_boolean() ~ ')', 'boolean', 'null'),
    ('date', "cast('2026-11-30' as date)", 'date', '2026-11-30'),
    ('timestamp to the second', "cast('2026-11-30 10:11:12.345' as " ~ dbt.type_timestamp() ~ ")", 'timestamp', '2026-11-30 10:11:12'),
    ('text', "'free'", 'text', 'free'),
    ('null text', 'cast(null as ' ~ dbt.type_string() ~ ')', 'text', 'null'),
] %}

with

cases as (

    {% for name, expression, kind, expected in cases %}
        select
            '{{ name }}' as case_name,
            {{ explain_value(expression, kind) }} as got,
            '{{ expected }}' as expected
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    case_name,
    got,
    expected
from cases
where got is null or got <> expected

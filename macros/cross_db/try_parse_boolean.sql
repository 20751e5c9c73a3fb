{#-
    A boolean from a typed boolean or from text, whatever its case and surrounding spaces: true, t, yes, y, 1 are
    true; false, f, no, n, 0 are false; blank is null. Anything else is null too: the base models compare with
    the raw value (is_unparseable_boolean) and quarantine the row as unparseable_boolean, instead of a cast that
    fails the whole build on one ' true ' or 'maybe'.
-#}
{% macro try_parse_boolean(expression) -%}
    case
        when lower({{ blank_to_null(expression) }}) in ('true', 't', 'yes', 'y', '1') then true
        when lower({{ blank_to_null(expression) }}) in ('false', 'f', 'no', 'n', '0') then false
    end
{%- endmacro %}

{#- True when a raw value is given (not blank) but is no boolean try_parse_boolean reads. -#}
{% macro is_unparseable_boolean(expression) -%}
    ({{ blank_to_null(expression) }} is not null and ({{ try_parse_boolean(expression) }}) is null)
{%- endmacro %}

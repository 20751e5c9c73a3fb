{#- The cleaned context columns shared by the tracks and pages base models. -#}
{% macro event_context_columns() -%}
        lower({{ blank_to_null('context_device_type') }}) as device_type,
        {{ strip_version('context_os_name') }} as os_name,
        {{ strip_version('context_browser') }} as browser_name,
        {{ blank_to_null('context_locale') }} as locale,
        {{ normalize_key('context_country') }} as country_key,
        {{ blank_to_null('context_city') }} as city
{%- endmacro %}

{#-
    Join condition placing a value into a band seed (columns min_value, max_value_exclusive): the band with
    min_value <= value < max_value_exclusive; an empty max is open-ended. Use with a left join; no match means
    the value is missing or outside every band, which the caller labels unknown.
-#}
{% macro band_join(band_alias, value_expression) -%}
    {{ value_expression }} >= {{ band_alias }}.min_value
    and ({{ band_alias }}.max_value_exclusive is null or {{ value_expression }} < {{ band_alias }}.max_value_exclusive)
{%- endmacro %}

{#-
    The expression, or null on a row of a person who asked to be erased. Base models flag erasure (`is_erased`)
    before typing, and wrap every identifying column in this, so an erased person's rows are still counted (as
    quarantined, reason erasure_requested) but carry nothing that identifies them, in any view or table.
-#}
{% macro unless_erased(expression) -%}
    case when is_erased then null else {{ expression }} end
{%- endmacro %}

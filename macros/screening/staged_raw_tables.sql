{#- Every raw table that staging splits into kept and quarantined rows, as (source, table) pairs. -#}
{% macro staged_raw_tables() -%}
    {{ return([
        ('crm', 'accounts'), ('crm', 'contacts'), ('crm', 'subscriptions'), ('crm', 'orders'), ('crm', 'tickets'),
        ('product', 'tracks'), ('product', 'pages'), ('product', 'identifies'),
        ('surveys', 'responses'), ('compliance', 'erasure_requests'),
    ]) }}
{%- endmacro %}

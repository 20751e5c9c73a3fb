{#- Within each group, the share column sums to 1 (within a tolerance). Returns the groups that do not. -#}
{% test shares_sum_to_one(model, share_column, group_by, tolerance=0.000001) %}
    select
        {{ group_by }},
        sum({{ share_column }}) as total_share
    from {{ model }}
    group by {{ group_by }}
    having abs(sum({{ share_column }}) - 1) > {{ tolerance }}
{% endtest %}

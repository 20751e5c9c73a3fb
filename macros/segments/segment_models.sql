{#-
    The segmentation models, one entry each: the mart, its entity and key, and its segment column. The long
    fact, the summary and the wide dimension read this list, so a new mart is added in one place.
-#}
{% macro segment_models() -%}
    {{ return([
        {'name': 'behavioral', 'mart': 'seg_behavioral', 'entity_type': 'contact', 'key': 'contact_id', 'segment_column': 'behavioral_segment'},
        {'name': 'value_based', 'mart': 'seg_value_based', 'entity_type': 'contact', 'key': 'contact_id', 'segment_column': 'rfm_segment'},
        {'name': 'psychographic', 'mart': 'seg_psychographic', 'entity_type': 'contact', 'key': 'contact_id', 'segment_column': 'nps_category'},
        {'name': 'demographic', 'mart': 'seg_demographic', 'entity_type': 'contact', 'key': 'contact_id', 'segment_column': 'age_band'},
        {'name': 'geographic', 'mart': 'seg_geographic', 'entity_type': 'contact', 'key': 'contact_id', 'segment_column': 'region'},
        {'name': 'technographic', 'mart': 'seg_technographic', 'entity_type': 'contact', 'key': 'contact_id', 'segment_column': 'device_mix'},
        {'name': 'firmographic', 'mart': 'seg_firmographic', 'entity_type': 'account', 'key': 'account_id', 'segment_column': 'company_segment'},
        {'name': 'needs_based', 'mart': 'seg_needs_based', 'entity_type': 'contact', 'key': 'contact_id', 'segment_column': 'needs_segment'},
        {'name': 'lifecycle', 'mart': 'seg_lifecycle', 'entity_type': 'contact', 'key': 'contact_id', 'segment_column': 'lifecycle_stage'},
    ]) }}
{%- endmacro %}

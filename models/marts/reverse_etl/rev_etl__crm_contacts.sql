-- The reverse-ETL feed: one row per contact with an email, keyed by the email (the CRM's match key), with one
-- column per segment property under names a CRM admin can create as-is (lower snake case, prefixed sw_ so they
-- never collide with built-in properties). The email is the only personal field. properties_hash changes when,
-- and only when, a property changes: the change feed compares it with the last export.
with

contacts as (

    select * from {{ ref('int_contacts__emails') }}

),

segments as (

    select * from {{ ref('dim_contact_segments') }}

),

properties as (

    select
        contacts.email,
        segments.behavioral_segment as sw_behavioral_segment,
        segments.rfm_segment as sw_rfm_segment,
        segments.value_tier as sw_value_tier,
        segments.nps_category as sw_nps_category,
        segments.age_band as sw_age_band,
        segments.region as sw_region,
        segments.device_mix as sw_device_mix,
        segments.company_segment as sw_company_segment,
        segments.needs_segment as sw_needs_segment,
        segments.lifecycle_stage as sw_lifecycle_stage,
        segments.renewal_window as sw_renewal_window,
        segments.as_of_date as sw_segments_as_of
    from contacts
    inner join segments
        on contacts.contact_id = segments.contact_id

),

hashed as (

    select
        *,
        {{ dbt.hash(dbt.concat([
            "coalesce(sw_behavioral_segment, '')", "'|'", "coalesce(sw_rfm_segment, '')", "'|'",
            "coalesce(sw_value_tier, '')", "'|'", "coalesce(sw_nps_category, '')", "'|'",
            "coalesce(sw_age_band, '')", "'|'", "coalesce(sw_region, '')", "'|'", "coalesce(sw_device_mix, '')", "'|'",
            "coalesce(sw_company_segment, '')", "'|'", "coalesce(sw_needs_segment, '')", "'|'",
            "coalesce(sw_lifecycle_stage, '')", "'|'", "coalesce(sw_renewal_window, '')"
        ])) }} as properties_hash
    from properties

),

final as (

    select
        cast(email as {{ dbt.type_string() }}) as email,
        cast(sw_behavioral_segment as {{ dbt.type_string() }}) as sw_behavioral_segment,
        cast(sw_rfm_segment as {{ dbt.type_string() }}) as sw_rfm_segment,
        cast(sw_value_tier as {{ dbt.type_string() }}) as sw_value_tier,
        cast(sw_nps_category as {{ dbt.type_string() }}) as sw_nps_category,
        cast(sw_age_band as {{ dbt.type_string() }}) as sw_age_band,
        cast(sw_region as {{ dbt.type_string() }}) as sw_region,
        cast(sw_device_mix as {{ dbt.type_string() }}) as sw_device_mix,
        cast(sw_company_segment as {{ dbt.type_string() }}) as sw_company_segment,
        cast(sw_needs_segment as {{ dbt.type_string() }}) as sw_needs_segment,
        cast(sw_lifecycle_stage as {{ dbt.type_string() }}) as sw_lifecycle_stage,
        cast(sw_renewal_window as {{ dbt.type_string() }}) as sw_renewal_window,
        sw_segments_as_of,
        cast(properties_hash as {{ dbt.type_string() }}) as properties_hash
    from hashed

)

select * from final

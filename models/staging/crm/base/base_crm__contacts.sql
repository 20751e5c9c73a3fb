with

-- read twice (the incremental batch, the erasure flag): computed once
erased_contacts as {{ materialized_cte() }} (

    {{ erased_contact_ids() }}

),

source as (

    {{ incremental_record_source(
        'contacts',
        key=canonical_id('id'),
        loaded_at=loader_timestamp('_loaded_at'),
        erased_condition=canonical_id('id') ~ ' in (select erased_contacts.contact_id from erased_contacts)'
    ) }}

),

flagged_source as (

    select
        source.*,
        coalesce({{ canonical_id('source.id') }} in (select erased_contacts.contact_id from erased_contacts), false)
            as is_erased
    from source

),

typed as (

    select
        is_erased,
        {{ unless_erased(canonical_id('id')) }} as record_id,
        {{ unless_erased(canonical_id('account_id')) }} as account_id,
        {{ unless_erased(normalize_email('email')) }} as email,
        {{ unless_erased(blank_to_null('first_name')) }} as first_name,
        {{ unless_erased(blank_to_null('last_name')) }} as last_name,
        {{ unless_erased(blank_to_null('birth_date')) }} as birth_date_raw,
        {{ unless_erased(try_parse_date('birth_date')) }} as birth_date,
        {{ unless_erased(free_text_key('gender')) }} as gender_key,
        {{ unless_erased(try_cast_grouped_number('household_income', 'double')) }} as household_income,
        {{ unless_erased(blank_to_null(raw_text('household_income'))) }} as household_income_raw,
        {{ unless_erased("lower(" ~ blank_to_null('education') ~ ")") }} as education,
        {{ unless_erased("lower(" ~ blank_to_null('marital_status') ~ ")") }} as marital_status,
        {{ unless_erased(blank_to_null('job_title')) }} as job_title,
        {{ unless_erased("lower(" ~ blank_to_null('seniority') ~ ")") }} as seniority,
        {{ unless_erased(blank_to_null('language')) }} as preferred_language,
        {{ blank_to_null('country') }} as country_raw,
        {{ unless_erased(free_text_key('country')) }} as country_key,
        {{ unless_erased(blank_to_null('state')) }} as state,
        {{ unless_erased(blank_to_null('city')) }} as city,
        {{ unless_erased(blank_to_null('timezone')) }} as timezone,
        {{ free_text_key('lifecycle_stage') }} as lifecycle_stage_key,
        lower({{ blank_to_null('original_source') }}) as original_source,
        {{ unless_erased(blank_to_null('owner_name')) }} as owner_name,
        {{ crm_version_columns() }}
    from flagged_source

),

{{ record_screening_ctes(
    order_by='updated_at desc, loaded_at desc, is_deleted desc, email asc, account_id asc',
    parsed_times=['updated_at'],
    future_times=['updated_at'],
    erasable=true,
    checks_after_times=[['unparseable_boolean', 'has_unparseable_is_deleted']],
    version_checks=[['deleted_in_crm', 'is_deleted']],
    details={'unparseable_boolean': 'is_deleted_raw'}
) }}

select
    screened.*,
    -- the key an incremental run swaps rows on: the record id, '' for blank ids and erased people
    coalesce(screened.record_id, '') as record_key,
    {{ record_screening_rules() }} as screened_with
from screened

{#- an NPS or CSAT score outside its scale (vars nps_min/max, csat_min/max) or not a whole number -#}
{%- set score_out_of_range -%}
    (
        question_id = 'nps'
        and (
            answer_number < {{ var('nps_min') }} or answer_number > {{ var('nps_max') }}
            or answer_number <> floor(answer_number)
        )
    )
    or (
        question_id = 'csat'
        and (
            answer_number < {{ var('csat_min') }} or answer_number > {{ var('csat_max') }}
            or answer_number <> floor(answer_number)
        )
    )
{%- endset %}

with

source as (

    select * from {{ raw_relation('responses') }}

),

-- answers carry no contact id: matched on the hash of the normalized respondent email
erased_email_hashes as (

    {{ erased_email_hashes() }}

),

flagged_source as (

    select
        source.*,
        coalesce(
            {{ erased_email_hash('source.respondent_email') }} in (select erased_email_hashes.email_hash from erased_email_hashes),
            false
        ) as is_erased
    from source

),

typed as (

    select
        is_erased,
        {{ canonical_id('id') }} as record_id,
        {{ canonical_id('response_id') }} as response_id,
        {{ blank_to_null('survey_name') }} as survey_name,
        lower({{ blank_to_null('question_id') }}) as question_id,
        {{ blank_to_null('question_text') }} as question_text,
        {{ unless_erased(normalize_email('respondent_email')) }} as respondent_email,
        {{ unless_erased(blank_to_null('answer_text')) }} as answer_text,
        {{ try_cast_number('answer_text', 'double') }} as answer_number,
        {{ try_parse_timestamp('submitted_at') }} as submitted_at,
        coalesce({{ try_parse_boolean('is_test_response') }}, false) as is_test_response,
        {{ is_unparseable_boolean('is_test_response') }} as has_unparseable_is_test_response,
        {{ blank_to_null('is_test_response') }} as is_test_response_raw,
        {{ blank_to_null('submitted_at') }} as submitted_at_raw,
        {{ loader_timestamp('_loaded_at') }} as loaded_at,
        {{ raw_text('_loaded_at') }} as loaded_at_raw
    from flagged_source

),

{{ record_screening_ctes(
    order_by='loaded_at, submitted_at, answer_text',
    parsed_times=['submitted_at'],
    future_times=['submitted_at'],
    erasable=true,
    checks_before_times=[
        ['unparseable_boolean', 'has_unparseable_is_test_response'],
        ['test_response', 'is_test_response'],
        ['missing_respondent', 'respondent_email is null'],
    ],
    version_checks=[
        ['non_numeric_score', "question_id in ('nps', 'csat') and answer_number is null"],
        ['score_out_of_range', score_out_of_range],
    ],
    details={
        'unparseable_boolean': 'is_test_response_raw',
        'non_numeric_score': 'answer_text',
        'score_out_of_range': 'answer_text',
    },
    rank_column='delivery_rank',
    repeat_reason='duplicate_answer'
) }}

select * from screened

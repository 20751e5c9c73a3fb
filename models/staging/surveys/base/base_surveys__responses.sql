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

{#- the model's own cleaning vars: part of screened_with, so a run with other scales re-screens every answer -#}
{%- set score_rules = {
    'nps_min': var('nps_min'), 'nps_max': var('nps_max'), 'csat_min': var('csat_min'), 'csat_max': var('csat_max')
} %}

with

-- answers carry no contact id: matched on the hash of the normalized respondent email; read twice (the
-- incremental batch, the erasure flag): computed once
erased_email_hashes as {{ materialized_cte() }} (

    {{ erased_email_hashes() }}

),

source as (

    {{ incremental_record_source(
        'responses',
        key=canonical_id('id'),
        loaded_at=loader_timestamp('_loaded_at'),
        erased_condition=erased_email_hash('respondent_email')
            ~ ' in (select erased_email_hashes.email_hash from erased_email_hashes)',
        rules=score_rules
    ) }}

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

select
    screened.*,
    -- the key an incremental run swaps rows on: the answer id, '' for blank ids
    coalesce(screened.record_id, '') as record_key,
    {{ record_screening_rules(score_rules) }} as screened_with
from screened

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
        {{ blank_to_null('submitted_at') }} as submitted_at_raw,
        {{ loader_timestamp('_loaded_at') }} as loaded_at,
        {{ raw_text('_loaded_at') }} as loaded_at_raw
    from flagged_source

),

checked as (

    select
        *,
        case
            when is_erased then 'erasure_requested'
            when record_id is null then 'missing_id'
            when {{ load_time_is_impossible('loaded_at', 'loaded_at_raw') }} then 'impossible_load_time'
            when respondent_email is null then 'missing_respondent'
            when submitted_at is null then 'unparseable_timestamp'
            when submitted_at > {{ dbt.dateadd('hour', var('max_clock_skew_hours') | int, 'loaded_at') }}
                then 'future_timestamp'
        end as row_check
    from typed

),

ranked as (

    select
        *,
        row_number() over (
            partition by record_id, row_check
            order by loaded_at, submitted_at, answer_text
        ) as delivery_rank
    from checked

),

screened as (

    select
        *,
        case
            when row_check is not null then row_check
            when delivery_rank > 1 then 'duplicate_answer'
            when question_id in ('nps', 'csat') and answer_number is null then 'non_numeric_score'
            when
                question_id = 'nps'
                and (
                    answer_number < {{ var('nps_min') }} or answer_number > {{ var('nps_max') }}
                    or answer_number <> floor(answer_number)
                )
                then 'score_out_of_range'
            when
                question_id = 'csat'
                and (
                    answer_number < {{ var('csat_min') }} or answer_number > {{ var('csat_max') }}
                    or answer_number <> floor(answer_number)
                )
                then 'score_out_of_range'
        end as quarantine_reason
    from ranked

),

detailed as (

    select
        *,
        case
            when quarantine_reason = 'unparseable_timestamp' then submitted_at_raw
            when quarantine_reason = 'impossible_load_time' then loaded_at_raw
            when quarantine_reason in ('non_numeric_score', 'score_out_of_range') then answer_text
        end as quarantine_detail
    from screened

)

select * from detailed

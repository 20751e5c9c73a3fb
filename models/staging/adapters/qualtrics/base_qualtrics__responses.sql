{{ config(enabled=raw_adapter_enabled('qualtrics', 'responses')) }}
{#-
    Qualtrics answers as the contract's long-form responses (docs/adapters.md, "qualtrics"): one row per
    question_response row. question_id through var qualtrics_question_map (survey-qualified QID or export tag first,
    then QID, then export tag), an NPS-selector question as nps, else the Qualtrics id; a chosen option as its text
    (its recode value for nps and csat).
-#}
{%- set question_response = source('qualtrics', 'question_response') -%}
{%- set question_response_columns = loader_columns(question_response) -%}
{%- set survey_response = source('qualtrics', 'survey_response') -%}
{%- set survey_response_columns = loader_columns(survey_response) -%}
{%- set question = source('qualtrics', 'question') -%}
{%- set question_columns = loader_columns(question) -%}
{%- set question_option = source('qualtrics', 'question_option') -%}
{%- set question_option_columns = loader_columns(question_option) -%}
{%- set question_map = var('qualtrics_question_map', {}) or {} -%}
{%- set email_keys = var('qualtrics_email_embedded_keys', ['email']) or [] %}

with

answers as (

    select
        {{ blank_to_null('_fivetran_id') }} as answer_id,
        {{ blank_to_null('response_id') }} as response_id,
        {{ blank_to_null('question_id') }} as qualtrics_question_id,
        {{ blank_to_null(loader_column_or_null(question_response_columns, 'question_option_key')) }} as option_key,
        {{ blank_to_null(loader_column_or_null(question_response_columns, 'sub_question_key')) }} as sub_question_key,
        {{ blank_to_null(loader_column_or_null(question_response_columns, 'text')) }} as entered_text,
        {{ blank_to_null(loader_column_or_null(question_response_columns, 'value')) }} as answer_value,
        _fivetran_synced
    from {{ question_response }}

),

responses as (

    select
        {{ blank_to_null('id') }} as response_id,
        {{ blank_to_null('survey_id') }} as survey_id,
        {{ blank_to_null(loader_column_or_null(survey_response_columns, 'recipient_email')) }} as recipient_email,
        {{ blank_to_null('recorded_date') }} as recorded_date,
        -- a preview or test run of the survey, not a respondent's answer: by its channel, or by its response status
        -- (Qualtrics: 1 survey preview, 2 survey test, 9 preview spam, 17 offline preview; spam and imported
        -- responses stay real answers)
        coalesce(
            lower(trim({{ loader_column_or_null(survey_response_columns, 'distribution_channel') }})) in ('preview', 'test')
            or trim(cast({{ loader_column_or_null(survey_response_columns, 'status') }} as {{ dbt.type_string() }}))
            in ('1', '2', '9', '17'),
            false
        ) as is_test_response,
        row_number() over (partition by {{ blank_to_null('id') }} order by {{ blank_to_null('recorded_date') }} desc) as response_rank
    from {{ survey_response }}

),

surveys as (

    select
        {{ blank_to_null('id') }} as survey_id,
        {{ blank_to_null('survey_name') }} as survey_name,
        row_number() over (partition by {{ blank_to_null('id') }} order by {{ blank_to_null('survey_name') }}) as survey_rank
    from {{ source('qualtrics', 'survey') }}

),

questions as (

    select
        {{ blank_to_null('survey_id') }} as survey_id,
        {{ blank_to_null('id') }} as qualtrics_question_id,
        {{ blank_to_null(loader_column_or_null(question_columns, 'data_export_tag')) }} as export_tag,
        {{ blank_to_null(loader_column_or_null(question_columns, 'question_text')) }} as question_text,
        coalesce(upper({{ blank_to_null(loader_column_or_null(question_columns, 'selector')) }}) = 'NPS', false) as is_nps,
        row_number() over (
            partition by {{ blank_to_null('survey_id') }}, {{ blank_to_null('id') }}
            order by {{ blank_to_null(loader_column_or_null(question_columns, 'data_export_tag')) }}
        ) as question_rank
    from {{ question }}

),

options as (

    select
        {{ blank_to_null('survey_id') }} as survey_id,
        {{ blank_to_null('question_id') }} as qualtrics_question_id,
        {{ blank_to_null('key') }} as option_key,
        {{ blank_to_null(loader_column_or_null(question_option_columns, 'recode_value')) }} as recode_value,
        {{ blank_to_null('text') }} as option_text,
        row_number() over (
            partition by {{ blank_to_null('survey_id') }}, {{ blank_to_null('question_id') }}, {{ blank_to_null('key') }}
            order by {{ blank_to_null('text') }}
        ) as option_rank
    from {{ question_option }}

),

embedded_emails as (

    {% if var('qualtrics_using_embedded_data', true) and email_keys -%}
        select
            {{ blank_to_null('response_id') }} as response_id,
            min({{ blank_to_null('value') }}) as email
        from {{ source('qualtrics', 'survey_embedded_data') }}
        where lower(trim({{ adapter.quote('key') }})) in {{ sql_string_list(email_keys | map('lower') | list) }}
        group by {{ blank_to_null('response_id') }}
    {%- else -%}
        select
            cast(null as {{ dbt.type_string() }}) as response_id,
            cast(null as {{ dbt.type_string() }}) as email
        where 1 = 0
    {%- endif %}

),

question_map as (

    {% for key, contract_id in question_map.items() -%}
        select
            {{ sql_string(key | string | trim | lower) }} as map_key,
            {{ sql_string(contract_id | string | trim | lower) }} as contract_question_id
        {% if not loop.last %}union all{% endif %}
    {% else -%}
        select
            cast(null as {{ dbt.type_string() }}) as map_key,
            cast(null as {{ dbt.type_string() }}) as contract_question_id
        where 1 = 0
    {%- endfor %}

),

joined as (

    select
        answers.*,
        responses.survey_id,
        responses.recipient_email,
        responses.recorded_date,
        responses.is_test_response,
        surveys.survey_name,
        questions.export_tag,
        questions.question_text,
        coalesce(questions.is_nps, false) as is_nps,
        embedded_emails.email as embedded_email
    from answers
    left join responses
        on
            answers.response_id = responses.response_id
            and responses.response_rank = 1
    left join surveys
        on
            responses.survey_id = surveys.survey_id
            and surveys.survey_rank = 1
    left join questions
        on
            responses.survey_id = questions.survey_id
            and answers.qualtrics_question_id = questions.qualtrics_question_id
            and questions.question_rank = 1
    left join embedded_emails
        on answers.response_id = embedded_emails.response_id

),

resolved as (

    select
        joined.*,
        coalesce(
            by_survey_question.contract_question_id,
            by_survey_tag.contract_question_id,
            by_question.contract_question_id,
            by_tag.contract_question_id,
            {% if var('qualtrics_detect_nps', true) -%} case when joined.is_nps then 'nps' end, {%- endif %}
            {{ dbt.concat([
                'joined.qualtrics_question_id',
                "case when joined.sub_question_key is not null then " ~ dbt.concat(["'_'", 'joined.sub_question_key']) ~ " else '' end",
            ]) }}
        ) as contract_question_id
    from joined
    left join question_map as by_survey_question
        on lower({{ dbt.concat(['joined.survey_id', "':'", 'joined.qualtrics_question_id']) }}) = by_survey_question.map_key
    left join question_map as by_survey_tag
        on lower({{ dbt.concat(['joined.survey_id', "':'", 'joined.export_tag']) }}) = by_survey_tag.map_key
    left join question_map as by_question
        on lower(joined.qualtrics_question_id) = by_question.map_key
    left join question_map as by_tag
        on lower(joined.export_tag) = by_tag.map_key

),

answered as (

    select
        resolved.*,
        case
            when options.option_key is not null and resolved.contract_question_id in ('nps', 'csat')
                then coalesce(options.recode_value, options.option_key)
            when options.option_key is not null then options.option_text
            else coalesce(resolved.entered_text, resolved.answer_value, resolved.option_key)
        end as answer_text
    from resolved
    left join options
        on
            resolved.survey_id = options.survey_id
            and resolved.qualtrics_question_id = options.qualtrics_question_id
            and resolved.option_key = options.option_key
            and options.option_rank = 1

),

final as (

    select
        cast(answer_id as {{ dbt.type_string() }}) as id,
        cast(response_id as {{ dbt.type_string() }}) as response_id,
        cast(survey_name as {{ dbt.type_string() }}) as survey_name,
        cast(contract_question_id as {{ dbt.type_string() }}) as question_id,
        cast(question_text as {{ dbt.type_string() }}) as question_text,
        cast(coalesce(recipient_email, embedded_email) as {{ dbt.type_string() }}) as respondent_email,
        cast(answer_text as {{ dbt.type_string() }}) as answer_text,
        cast(recorded_date as {{ dbt.type_string() }}) as submitted_at,
        cast(is_test_response as {{ dbt.type_boolean() }}) as is_test_response,
        cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as _loaded_at
    from answered

)

select * from final

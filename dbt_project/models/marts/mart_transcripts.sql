with calls as (

    select * from {{ ref('stg_calls') }}

),

transcripts as (

    -- the latest transcription of each call
    select
        *,
        row_number() over (partition by call_id order by transcribed_at desc, model desc)
            as transcript_rank
    from {{ ref('stg_transcripts') }}

),

reasons as (

    select * from {{ ref('mart_default_reasons') }}
    where source = 'call'

),

reason_lists as (

    select
        source_id as call_id,
        {{ dbt.listagg('reason', "', '", 'order by confidence desc, reason') }} as reasons
    from reasons
    group by source_id

),

top_reasons as (

    select
        source_id as call_id,
        reason,
        confidence,
        quote,
        row_number() over (partition by source_id order by confidence desc, reason) as reason_rank
    from reasons

),

flag_lists as (

    select
        source_id as call_id,
        {{ dbt.listagg(dbt.concat(['flag', "':'", 'detail']), "', '", "order by flag, detail") }} as flags
    from {{ ref('mart_text_flags') }}
    where source = 'call'
    group by source_id

),

texts as (

    select source_id as call_id, merchant_id
    from {{ ref('int_texts') }}
    where source = 'call'

)

select
    cast(calls.call_id as varchar) as call_id,
    cast(calls.contact_id as varchar) as contact_id,
    cast(calls.customer_id as varchar) as customer_id,
    cast(texts.merchant_id as varchar) as merchant_id,
    cast(calls.started_at as timestamp) as started_at,
    cast(calls.started_at as date) as call_date,
    cast(calls.duration_s as double) as duration_s,
    cast(calls.audio_path as varchar) as audio_path,
    cast(coalesce(transcripts.language, calls.language) as varchar) as language,
    cast(transcripts.status as varchar) as status,
    cast(transcripts.error as varchar) as error,
    cast(transcripts.model as varchar) as model,
    cast(transcripts.text as varchar) as text,
    cast(transcripts.segments_json as varchar) as segments_json,
    cast(transcripts.avg_logprob as double) as avg_logprob,
    cast(transcripts.no_speech_prob as double) as no_speech_prob,
    cast(reason_lists.reasons as varchar) as reasons,
    cast(top_reasons.reason as varchar) as top_reason,
    cast(top_reasons.confidence as double) as top_reason_confidence,
    cast(top_reasons.quote as varchar) as top_reason_quote,
    cast(flag_lists.flags as varchar) as flags
from calls
left join transcripts
    on transcripts.call_id = calls.call_id
    and transcripts.transcript_rank = 1
left join texts on texts.call_id = calls.call_id
left join reason_lists on reason_lists.call_id = calls.call_id
left join top_reasons
    on top_reasons.call_id = calls.call_id
    and top_reasons.reason_rank = 1
left join flag_lists on flag_lists.call_id = calls.call_id

with flags as (

    select
        source,
        source_id,
        customer_id,
        flag,
        coalesce(detail, 'unspecified') as detail,
        quote,
        row_number() over (
            partition by source, source_id, flag, coalesce(detail, 'unspecified')
            order by quote
        ) as mention_rank
    from {{ ref('stg_text_flags') }}

),

texts as (

    select * from {{ ref('int_texts') }}

)

select
    cast({{ dbt.concat(['flags.source', "':'", 'flags.source_id', "':'", 'flags.flag', "':'",
        'flags.detail']) }}
        as varchar) as flag_mention_id,
    cast(flags.source as varchar) as source,
    cast(flags.source_id as varchar) as source_id,
    cast(coalesce(texts.customer_id, flags.customer_id) as varchar) as customer_id,
    cast(texts.merchant_id as varchar) as merchant_id,
    cast(texts.text_date as date) as text_date,
    cast(flags.flag as varchar) as flag,
    cast(flags.detail as varchar) as detail,
    cast(flags.quote as varchar) as quote
from flags
left join texts
    on texts.source = flags.source
    and texts.source_id = flags.source_id
where flags.mention_rank = 1

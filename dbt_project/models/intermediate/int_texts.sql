{{ config(materialized='table') }}

-- Every text the speech step mines (feedback comments and recorded calls) with its date and the
-- plan it is about: the feedback's plan, or the plan of the call's contact, else the customer's
-- latest plan purchased before the text. Lets reasons and flags be placed by merchant and month.

with feedback as (

    select
        'feedback' as source,
        feedback_id as source_id,
        customer_id,
        plan_id,
        submitted_at as text_at
    from {{ ref('stg_feedback') }}

),

calls as (

    select
        'call' as source,
        calls.call_id as source_id,
        calls.customer_id,
        contacts.plan_id,
        calls.started_at as text_at
    from {{ ref('stg_calls') }} as calls
    left join {{ ref('stg_contacts') }} as contacts on contacts.contact_id = calls.contact_id

),

texts as (

    select * from feedback
    union all
    select * from calls

),

latest_plan as (

    select
        texts.source,
        texts.source_id,
        plans.plan_id,
        row_number() over (
            partition by texts.source, texts.source_id
            order by plans.purchased_at desc, plans.plan_id desc
        ) as plan_rank
    from texts
    inner join {{ ref('stg_plans') }} as plans
        on plans.customer_id = texts.customer_id
        and plans.purchased_at <= texts.text_at
    where texts.plan_id is null

),

placed as (

    select
        texts.source,
        texts.source_id,
        texts.customer_id,
        coalesce(texts.plan_id, latest_plan.plan_id) as plan_id,
        texts.text_at
    from texts
    left join latest_plan
        on latest_plan.source = texts.source
        and latest_plan.source_id = texts.source_id
        and latest_plan.plan_rank = 1

)

select
    placed.source,
    placed.source_id,
    placed.customer_id,
    placed.plan_id,
    plans.merchant_id,
    plans.plan_type,
    customers.country,
    placed.text_at,
    cast(placed.text_at as date) as text_date
from placed
left join {{ ref('stg_plans') }} as plans on plans.plan_id = placed.plan_id
left join {{ ref('stg_customers') }} as customers on customers.customer_id = placed.customer_id

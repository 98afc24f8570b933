-- Plan-level DPD bucket at consecutive month ends, from the installments' overdue spells: a plan's
-- bucket is that of its oldest overdue installment, its amount what is outstanding overdue.

with month_ends as (

    select date_day as month_end
    from {{ ref('int_date_spine') }}
    cross join {{ ref('int_as_of_date') }} as as_of
    where date_day = cast({{ dbt.last_day('date_day', 'month') }} as date)
        and date_day <= as_of.as_of_date

),

month_pairs as (

    select
        month_end,
        lead(month_end) over (order by month_end) as next_month_end
    from month_ends

),

spells as (

    select * from {{ ref('int_installment_overdue_spells') }}

),

plan_states as (

    select
        spells.plan_id,
        month_ends.month_end,
        max({{ days_between('spells.due_date', 'month_ends.month_end') }}) as days_past_due,
        {{ exact_sum('spells.outstanding_amount') }} as overdue_amount
    from spells
    inner join month_ends
        on spells.valid_from <= month_ends.month_end
        and (spells.valid_to is null or month_ends.month_end < spells.valid_to)
    group by spells.plan_id, month_ends.month_end

),

plans as (

    select plans.plan_id, plans.merchant_id, plans.plan_type, customers.country
    from {{ ref('stg_plans') }} as plans
    inner join {{ ref('stg_customers') }} as customers
        on customers.customer_id = plans.customer_id

),

transitions as (

    select
        month_pairs.month_end,
        plans.merchant_id,
        plans.country,
        plans.plan_type,
        {{ dpd_bucket('from_state.days_past_due') }} as from_bucket,
        {{ dpd_bucket('to_state.days_past_due') }} as to_bucket,
        from_state.overdue_amount
    from plan_states as from_state
    inner join month_pairs
        on month_pairs.month_end = from_state.month_end
        and month_pairs.next_month_end is not null
    inner join plans on plans.plan_id = from_state.plan_id
    left join plan_states as to_state
        on to_state.plan_id = from_state.plan_id
        and to_state.month_end = month_pairs.next_month_end

),

from_totals as (

    select
        month_end, merchant_id, country, plan_type, from_bucket,
        count(*) as from_plans,
        {{ exact_sum('overdue_amount') }} as from_amount
    from transitions
    group by month_end, merchant_id, country, plan_type, from_bucket

),

rolled as (

    select
        month_end, merchant_id, country, plan_type, from_bucket, to_bucket,
        count(*) as rolled_plans,
        {{ exact_sum('overdue_amount') }} as rolled_amount
    from transitions
    group by month_end, merchant_id, country, plan_type, from_bucket, to_bucket

),

to_buckets as (

    {%- for bucket in dpd_buckets() %}
    select '{{ bucket }}' as to_bucket{{ ' union all' if not loop.last }}
    {%- endfor %}

)

-- dense over to_bucket so sum(rolled_amount) / sum(from_amount) is right under any filter
select
    cast(from_totals.month_end as date) as month_end,
    cast(from_totals.merchant_id as varchar) as merchant_id,
    cast(from_totals.country as varchar) as country,
    cast(from_totals.plan_type as varchar) as plan_type,
    cast(from_totals.from_bucket as varchar) as from_bucket,
    cast(to_buckets.to_bucket as varchar) as to_bucket,
    cast(from_totals.from_plans as bigint) as from_plans,
    cast(coalesce(rolled.rolled_plans, 0) as bigint) as rolled_plans,
    {{ stable_amount('from_totals.from_amount') }} as from_amount,
    {{ stable_amount('coalesce(rolled.rolled_amount, 0)') }} as rolled_amount
from from_totals
cross join to_buckets
left join rolled
    on rolled.month_end = from_totals.month_end
    and rolled.merchant_id = from_totals.merchant_id
    and rolled.country = from_totals.country
    and rolled.plan_type = from_totals.plan_type
    and rolled.from_bucket = from_totals.from_bucket
    and rolled.to_bucket = to_buckets.to_bucket

-- Split-in-3/4 plans paid without interruption: every installment paid in full by its due date + 5.

with installments as (

    select * from {{ ref('fct_installments') }}
    where plan_type in ('pay_in_3', 'pay_in_4')

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

plans as (

    select
        installments.plan_id,
        installments.merchant_id,
        installments.country,
        installments.plan_type,
        min(plans.purchased_at) as purchased_at,
        max(installments.due_date) as last_due_date,
        max({{ flag(
            'installments.fully_paid_date is null or installments.fully_paid_date > '
            ~ add_days('installments.due_date', 5)) }}) as has_late_installment
    from installments
    inner join {{ ref('stg_plans') }} as plans on plans.plan_id = installments.plan_id
    group by installments.plan_id, installments.merchant_id, installments.country,
        installments.plan_type

)

select
    {{ month_start('plans.purchased_at') }} as purchase_month,
    cast(plans.merchant_id as varchar) as merchant_id,
    cast(plans.country as varchar) as country,
    cast(plans.plan_type as varchar) as plan_type,
    cast(count(*) as bigint) as plans,
    cast(sum({{ flag(add_days('plans.last_due_date', 5) ~ ' <= as_of.as_of_date') }}) as bigint)
        as plans_fully_due,
    cast(sum({{ flag(add_days('plans.last_due_date', 5) ~ ' <= as_of.as_of_date and plans.has_late_installment = 0') }}) as bigint)
        as continuous_plans
from plans
cross join as_of
group by {{ month_start('plans.purchased_at') }}, plans.merchant_id, plans.country, plans.plan_type

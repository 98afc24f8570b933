-- Quarantined rows per table, reason and column: what `relance build` prints after a build.
{{ config(materialized='table') }}

with

quarantined as (

    select 'merchants' as table_name, quarantine_reason, quarantine_column
    from {{ ref('quarantine_merchants') }}

    union all

    select 'customers' as table_name, quarantine_reason, quarantine_column
    from {{ ref('quarantine_customers') }}

    union all

    select 'plans' as table_name, quarantine_reason, quarantine_column
    from {{ ref('quarantine_plans') }}

    union all

    select 'installments' as table_name, quarantine_reason, quarantine_column
    from {{ ref('quarantine_installments') }}

    union all

    select 'payment_attempts' as table_name, quarantine_reason, quarantine_column
    from {{ ref('quarantine_payment_attempts') }}

    union all

    select 'contacts' as table_name, quarantine_reason, quarantine_column
    from {{ ref('quarantine_contacts') }}

    union all

    select 'arrangements' as table_name, quarantine_reason, quarantine_column
    from {{ ref('quarantine_arrangements') }}

    union all

    select 'feedback' as table_name, quarantine_reason, quarantine_column
    from {{ ref('quarantine_feedback') }}

    union all

    select 'calls' as table_name, quarantine_reason, quarantine_column
    from {{ ref('quarantine_calls') }}

    union all

    select 'allocations' as table_name, quarantine_reason, quarantine_column
    from {{ ref('quarantine_allocations') }}

    union all

    select 'escalations' as table_name, quarantine_reason, quarantine_column
    from {{ ref('quarantine_escalations') }}

    union all

    select 'experiments' as table_name, quarantine_reason, quarantine_column
    from {{ ref('quarantine_experiments') }}

    union all

    select 'fx_rates' as table_name, quarantine_reason, quarantine_column
    from {{ ref('quarantine_fx_rates') }}

)

select
    table_name,
    quarantine_reason,
    quarantine_column,
    count(*) as quarantined_rows
from quarantined
group by table_name, quarantine_reason, quarantine_column

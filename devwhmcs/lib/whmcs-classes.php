<?php
/**
 * WHMCS classes a module may reference besides Capsule. Status string values follow WHMCS's
 * service status names (the constants' exact values are UNSURE in part 2 §2.4).
 */

namespace WHMCS\Service;

class Status
{
    const PENDING = 'Pending';
    const ACTIVE = 'Active';
    const SUSPENDED = 'Suspended';
    const TERMINATED = 'Terminated';
    const CANCELLED = 'Cancelled';
    const FRAUD = 'Fraud';
    const COMPLETED = 'Completed';
}

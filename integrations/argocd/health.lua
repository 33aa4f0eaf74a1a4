-- Argo CD health check for serving.deepseek-operator.io/DeepSeekDeployment (Lua 5.1, as Argo CD runs it).
-- Install: the argocd-cm key resource.customizations.health.serving.deepseek-operator.io_DeepSeekDeployment
-- (integrations/argocd/argocd-cm.yaml), or this file as
-- resource_customizations/serving.deepseek-operator.io/DeepSeekDeployment/health.lua in an Argo CD build.
--
-- Healthy: every group serves the current spec. Progressing: the operator has not seen the latest spec yet, groups are
-- starting, rolling, scaling or being recreated, or wait for accelerators. Suspended: scaled to zero, or a canary held
-- at its partition. Degraded: something needs a person: a refused spec (InvalidSpec, PolicyViolation, NameConflict), a
-- group failed after its restarts, a model download that keeps failing, or an error the operator cannot get past.
local hs = {}

local function condition(status, kind)
  if status == nil or status.conditions == nil then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == kind then
      return c
    end
  end
  return nil
end

local function message(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return fallback
end

local status = obj.status
local generation = obj.metadata and obj.metadata.generation
if status == nil or status.observedGeneration == nil
    or (generation ~= nil and status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe the latest spec"
  return hs
end

local ready = condition(status, "Ready")
local progressing = condition(status, "Progressing")
local degraded = condition(status, "Degraded")
if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report the deployment's conditions"
  return hs
end

local refused = { InvalidSpec = true, PolicyViolation = true, NameConflict = true }
if ready.status ~= "True" and refused[ready.reason] then
  hs.status = "Degraded"
  hs.message = message(ready, ready.reason)
  return hs
end

if degraded ~= nil and degraded.status == "True" then
  if degraded.reason == "GroupFailed" or degraded.reason == "ModelDownloadFailed"
      or degraded.reason == "ReconcileError" or refused[degraded.reason] then
    hs.status = "Degraded"
    hs.message = message(degraded, degraded.reason)
    return hs
  end
end

if ready.status == "True" and ready.reason == "ScaledToZero" then
  hs.status = "Suspended"
  hs.message = message(ready, "Scaled to zero groups")
  return hs
end

-- A group being recreated, a model still downloading again, pods waiting for accelerators: the operator is at work.
if degraded ~= nil and degraded.status == "True" then
  hs.status = "Progressing"
  hs.message = message(degraded, degraded.reason)
  return hs
end

if progressing ~= nil and progressing.status == "True" then
  hs.status = "Progressing"
  hs.message = message(progressing, progressing.reason)
  return hs
end

if ready.status == "True" then
  if progressing ~= nil and progressing.reason == "PartitionHeld" then
    hs.status = "Suspended"
    hs.message = message(progressing, "A canary is held at its partition")
    return hs
  end
  hs.status = "Healthy"
  hs.message = message(ready, "All groups are ready")
  return hs
end

-- Not ready, nothing failed: groups are starting.
hs.status = "Progressing"
hs.message = message(ready, ready.reason)
return hs

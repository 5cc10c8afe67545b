-- ZeroOps' lane router for HAProxy (Lua 5.3, HAProxy 2.6+).
--
-- Chooses the canary lane of a request from the route table ZeroOps keeps in a map (one entry per
-- lane, see src/lanes/route-table.ts). The configuration reads the entries into variables and
-- computes the user's sticky bucket; this action only compares:
--
--   http-request set-var(txn.zeroops_bucket) req.hdr(x-user-id),xxh32(<salt>),mod(10000)
--   http-request set-var(txn.zeroops_lane1) str(lane1),map(<route table>)      (one per lane slot)
--   http-request lua.zeroops_lane <slots>
--   use_backend %[var(txn.zeroops_backend)] if { var(txn.zeroops_backend) -m found }
--
-- The request's user is read from x-user-tags (comma-separated), x-region, x-os ("ios/17.4", "web")
-- and x-app-version. Version ranges compare major.minor.patch (pre-releases are not told apart).

local parsed = {}

local function split(text, separator)
  local parts = {}
  if text == nil or text == "" then return parts end
  for part in string.gmatch(text, "([^" .. separator .. "]+)") do parts[#parts + 1] = part end
  return parts
end

local function set_of(text)
  local set = {}
  for _, item in ipairs(split(text, ",")) do set[item] = true end
  return set
end

local function version_of(text)
  if text == nil then return nil end
  local major, minor, patch = string.match(text, "^v?(%d+)%.?(%d*)%.?(%d*)")
  if major == nil then return nil end
  return { tonumber(major), tonumber(minor) or 0, tonumber(patch) or 0 }
end

local function compare(a, b)
  for i = 1, 3 do
    if a[i] ~= b[i] then return a[i] < b[i] and -1 or 1 end
  end
  return 0
end

local tests = {
  [">="] = function(c) return c >= 0 end,
  ["<="] = function(c) return c <= 0 end,
  [">"] = function(c) return c > 0 end,
  ["<"] = function(c) return c < 0 end,
  ["="] = function(c) return c == 0 end,
}

-- A range: "*", or comparator sets joined by "|", each of comparators joined by "&".
local function satisfies(text, range)
  if range == "*" then return true end
  local version = version_of(text)
  if version == nil then return false end
  for _, set in ipairs(split(range, "|")) do
    local all = true
    for _, comparator in ipairs(split(set, "&")) do
      local operator, bound = string.match(comparator, "^([<>=]+)(.+)$")
      local test = tests[operator]
      if test == nil or not test(compare(version, version_of(bound))) then
        all = false
        break
      end
    end
    if all then return true end
  end
  return false
end

local function parse(value)
  local cached = parsed[value]
  if cached then return cached end
  local entry = { os = {} }
  for _, field in ipairs(split(value, "/")) do
    local name, content = string.match(field, "^(%a+)=(.*)$")
    if name == "b" then entry.backend = content
    elseif name == "r" then
      local from, to = string.match(content, "^(%d+)-(%d+)$")
      entry.from, entry.to = tonumber(from), tonumber(to)
    elseif name == "w" then
      local from, to = string.match(content, "^(%d+)-(%d+)$")
      entry.widest_from, entry.widest_to = tonumber(from), tonumber(to)
    elseif name == "t" then entry.tags = set_of(content)
    elseif name == "g" then entry.regions = set_of(content)
    elseif name == "o" then
      for _, family in ipairs(split(content, "+")) do
        local os, range = string.match(family, "^([^:]+):(.*)$")
        if os then entry.os[os] = range end
      end
      entry.os_set = true
    elseif name == "a" then entry.app = content
    elseif name == "xt" then entry.not_tags = set_of(content)
    elseif name == "xg" then entry.not_regions = set_of(content)
    elseif name == "x" then entry.not_lanes = split(content, ",")
    elseif name == "n" then entry.baseline = content
    elseif name == "m" then
      local from, to = string.match(content, "^(%d+)-(%d+)$")
      entry.audience_from, entry.audience_to = tonumber(from), tonumber(to)
    end
  end
  parsed[value] = entry
  return entry
end

local function any_in(set, items)
  for _, item in ipairs(items) do
    if set[item] then return true end
  end
  return false
end

-- The user is in the entry's audience and buckets: those it holds now ("now"), at its widest step
-- ("widest"), or its whole bucket range ("audience", the baseline's).
local function reaches(entry, user, at)
  local from, to = entry.from, entry.to
  if at == "widest" and entry.widest_from then from, to = entry.widest_from, entry.widest_to end
  if at == "audience" then from, to = entry.audience_from, entry.audience_to end
  if from == nil or user.bucket == nil or user.bucket < from or user.bucket > to then return false end
  if entry.tags and not any_in(entry.tags, user.tags) then return false end
  if entry.regions and not entry.regions[user.region or ""] then return false end
  if entry.os_set then
    local family, version = string.match(user.os or "", "^([^/]+)/?(.*)$")
    local range = family and entry.os[family]
    if range == nil then return false end
    if range ~= "*" and not satisfies(version, range) then return false end
  end
  if entry.app and not satisfies(user.app, entry.app) then return false end
  return true
end

local function excluded(entry, user, entries)
  if entry.not_tags and any_in(entry.not_tags, user.tags) then return true end
  if entry.not_regions and entry.not_regions[user.region or ""] then return true end
  for _, key in ipairs(entry.not_lanes or {}) do
    local other = entries[key]
    if other and reaches(other, user, "widest") then return true end
  end
  return false
end

core.register_action("zeroops_lane", { "http-req" }, function(txn, slots)
  local headers = txn.http:req_get_headers()
  local first = function(name)
    local values = headers[name]
    return values and values[0] or nil
  end
  -- Tags from every x-user-tags header, comma-separated, spaces around them ignored.
  local tags = {}
  for _, value in pairs(headers["x-user-tags"] or {}) do
    for _, tag in ipairs(split(value, ",")) do
      local trimmed = string.match(tag, "^%s*(.-)%s*$")
      if trimmed ~= "" then tags[#tags + 1] = trimmed end
    end
  end
  local user = {
    bucket = tonumber(txn:get_var("txn.zeroops_bucket")),
    tags = tags,
    region = first("x-region"),
    os = first("x-os"),
    app = first("x-app-version"),
  }
  local entries, order = {}, {}
  for i = 1, tonumber(slots) do
    local value = txn:get_var("txn.zeroops_lane" .. i)
    if value ~= nil and value ~= "" then
      entries["lane" .. i] = parse(value)
      order[#order + 1] = entries["lane" .. i]
    end
  end
  -- A lane whose backend has no usable server (its instances died, or a reload dropped the dynamic
  -- servers until ZeroOps adds them again) serves its users the stable version, never an error.
  local serving = function(backend) return (txn.f:nbsrv(backend) or 0) > 0 end
  for _, entry in ipairs(order) do
    if reaches(entry, user, "now") and not excluded(entry, user, entries) then
      if serving(entry.backend) then txn:set_var("txn.zeroops_backend", entry.backend) end
      return
    end
  end
  -- Not in a lane: the rest of a lane's audience is its baseline (the stable version, measured
  -- apart). A user in the audiences of several lanes counts for one of them, chosen by bucket, so
  -- each baseline is a hash sample of its own audience.
  local baselines = {}
  for _, entry in ipairs(order) do
    if entry.baseline and reaches(entry, user, "audience") and not excluded(entry, user, entries) then
      baselines[#baselines + 1] = entry.baseline
    end
  end
  if #baselines > 0 and user.bucket ~= nil then
    txn:set_var("txn.zeroops_backend", baselines[(user.bucket % #baselines) + 1])
  end
end, 1)

#include "region/sqlite_case_store.hpp"

namespace schakel::region {

using json = nlohmann::json;

const CaseParticipant* Case::participant(const std::string& oin) const {
  for (const auto& p : participants) {
    if (p.partner_oin == oin) return &p;
  }
  return nullptr;
}

void to_json(json& out, const Case& c) {
  json participants = json::array(), levels = json::array(), actions = json::array(),
       decisions = json::array();
  for (const auto& p : c.participants) {
    participants.push_back(
        {{"partner", p.partner_oin}, {"contact", p.contact}, {"since", p.joined_on}});
  }
  for (const auto& l : c.levels) {
    levels.push_back(
        {{"level", l.level}, {"reason", l.reason}, {"date", l.changed_on}, {"by", l.by_oin}});
  }
  for (const auto& a : c.actions) {
    actions.push_back({{"id", a.id},
                       {"what", a.what},
                       {"owner", a.owner_oin},
                       {"due", a.due},
                       {"done", a.done_on ? json(*a.done_on) : json(nullptr)}});
  }
  for (const auto& d : c.decisions) {
    decisions.push_back({{"id", d.id}, {"text", d.text}, {"date", d.decided_on}});
  }
  out = {{"id", c.id},
         {"purpose", c.purpose},
         {"subject_index", c.subject_index},
         {"director", c.director_oin},
         {"level", c.level},
         {"opened", c.opened_on},
         {"closed", c.closed_on ? json(*c.closed_on) : json(nullptr)},
         {"participants", participants},
         {"levels", levels},
         {"actions", actions},
         {"decisions", decisions}};
}

void from_json(const json& in, Case& c) {
  c.id = in.at("id");
  c.purpose = in.at("purpose");
  c.subject_index = in.at("subject_index");
  c.director_oin = in.at("director");
  c.level = in.at("level");
  c.opened_on = in.at("opened");
  if (!in.at("closed").is_null()) c.closed_on = in.at("closed").get<std::string>();
  for (const auto& p : in.at("participants")) {
    c.participants.push_back({p.at("partner"), p.at("contact"), p.at("since")});
  }
  for (const auto& l : in.at("levels")) {
    c.levels.push_back({l.at("level"), l.at("reason"), l.at("date"), l.at("by")});
  }
  for (const auto& a : in.at("actions")) {
    CaseAction action{a.at("id"), a.at("what"), a.at("owner"), a.at("due"), std::nullopt};
    if (!a.at("done").is_null()) action.done_on = a.at("done").get<std::string>();
    c.actions.push_back(std::move(action));
  }
  for (const auto& d : in.at("decisions")) {
    c.decisions.push_back({d.at("id"), d.at("text"), d.at("date")});
  }
}

std::expected<void, std::string> SqliteCaseStore::create(const Case& value) {
  std::lock_guard lock(shared_->mutex);
  auto insert = db_.prepare("INSERT INTO cases (id, subject_index, document) VALUES (?1, ?2, ?3)");
  if (!insert) return std::unexpected(insert.error());
  insert->bind(1, value.id).bind(2, value.subject_index).bind(3, json(value).dump());
  if (auto step = insert->step(); !step) return std::unexpected(step.error());
  return {};
}

std::expected<std::optional<Case>, std::string> SqliteCaseStore::load_locked(
    const std::string& id) {
  auto query = db_.prepare("SELECT document FROM cases WHERE id = ?1");
  if (!query) return std::unexpected(query.error());
  query->bind(1, id);
  auto row = query->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::nullopt;
  try {
    return json::parse(query->text(0)).get<Case>();
  } catch (const json::exception&) {
    return std::unexpected("a stored case does not read back");
  }
}

std::expected<std::optional<Case>, std::string> SqliteCaseStore::load(const std::string& id) {
  std::lock_guard lock(shared_->mutex);
  return load_locked(id);
}

std::expected<std::optional<Case>, std::string> SqliteCaseStore::update(
    const std::string& id, const std::function<bool(Case&)>& change) {
  std::lock_guard lock(shared_->mutex);
  std::optional<Case> out;
  auto done = db_.in_write_transaction([&]() -> std::expected<void, std::string> {
    auto loaded = load_locked(id);
    if (!loaded) return std::unexpected(loaded.error());
    if (!*loaded) return {};
    Case value = std::move(**loaded);
    if (!change(value)) {
      out = std::move(value);
      return {};
    }
    auto write = db_.prepare("UPDATE cases SET document = ?2 WHERE id = ?1");
    if (!write) return std::unexpected(write.error());
    write->bind(1, id).bind(2, json(value).dump());
    if (auto step = write->step(); !step) return std::unexpected(step.error());
    out = std::move(value);
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::size_t, std::string> SqliteCaseStore::prune_closed(
    const std::string& purpose, const std::string& closed_before) {
  std::lock_guard lock(shared_->mutex);
  const auto closed = db_.json_text("document", "closed");
  auto remove = db_.prepare("DELETE FROM cases WHERE " + db_.json_text("document", "purpose") +
                            " = ?1 AND " + closed + " IS NOT NULL AND " + closed + " < ?2");
  if (!remove) return std::unexpected(remove.error());
  remove->bind(1, purpose).bind(2, closed_before);
  if (auto step = remove->step(); !step) return std::unexpected(step.error());
  return static_cast<std::size_t>(db_.changes());
}

}  // namespace schakel::region

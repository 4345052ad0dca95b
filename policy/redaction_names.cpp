#include "policy/redaction_names.hpp"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <memory>

namespace schakel::policy::redaction {
namespace {

constexpr std::string_view kTussenvoegsel =
    R"((?i:van|von|de|der|den|het|'t|’t|'s|’s|ter|ten|el|al|la|le|du|da|di|del|della|dos|vd)"
    R"(|v\.d\.|d'|d’|l'|l’|(?:uit|in|op|aan|bij)[ \t]+(?:de|den|der|het|'t|’t)))";
// A capitalised word: Jan, El-Amrani, O'Neill, McDonald, Stichter-de, Zoë.
constexpr std::string_view kCapitalised =
    R"(\p{Lu}['’]?(?:\p{Lu}?\p{Ll}+)+(?:[\-'’]\p{Lu}?\p{Ll}+)*)";
constexpr std::string_view kInitials = R"((?:\p{Lu}\p{Ll}?\.[ \t]?){1,4})";
// Titles before a name, written with a dot.
constexpr std::string_view kTitles = R"((?i:dhr|mevr|mw|mr|dr|drs|ir|ing|prof|mej|wed|t\.n\.v))";
// Words after which a capitalised word is a person's name: forms of address,
// "genaamd", family, neighbours and the professionals around a person. Each
// starts a word ("grootmoeder" is listed), so "complex Rotterdam" has no cue.
constexpr std::string_view kCues =
    "\\b(?i:meneer|mevrouw|de heer|heer|juffrouw|mejuffrouw|genaamd|geheten|heet|alias|bijnaam|"
    "roepnaam|zoon van|dochter van|kind van|moeder|vader|broer|broertje|zus|zusje|zuster|zoon|"
    "zoontje|dochter|dochtertje|partner|ex-partner|ex|vriend|vriendin|vriendje|echtgenoot|"
    "echtgenote|man|vrouw|oom|tante|opa|oma|neef|nicht|stiefvader|stiefmoeder|stiefzoon|"
    "stiefdochter|pleegvader|pleegmoeder|pleegzoon|pleegdochter|schoonmoeder|schoonvader|zwager|"
    "schoonzus|schoonzoon|schoondochter|kleinzoon|kleindochter|grootmoeder|grootvader|buurman|"
    "buurvrouw|buurjongen|"
    "buurmeisje|huisgenoot|kamergenoot|collega|werkgever|leidinggevende|melder|cliënt|"
    "client|betrokkene|kinderen|kind|baby|jongere|huisarts|wijkagent|agent|hoofdagent|brigadier|"
    "rechercheur|casemanager|casusregisseur|regisseur|bewindvoerder|mentor|jeugdbeschermer|"
    "begeleider|psychiater|psycholoog|verpleegkundige|wijkverpleegkundige|hulpverlener|"
    "reclasseringswerker|consulent|advocaat|advocate|officier|docent|juf|meester|leerkracht|"
    "coach|contactpersoon|maatschappelijk werker|gezinsvoogd|voogd|curator|zorgverlener|"
    "mantelzorger|medewerker|medewerkster|verhuurder|huisbaas|imam|pastor|dominee|"
    "ten name van|gesproken met)";
// Lists of the people present: "Aanwezig (bij het overleg): A (GGZ), B en C".
constexpr std::string_view kListCues =
    R"(\b(?i:aanwezig|aanwezigen|afwezig|afwezigen|deelnemers)[^.:\n]{0,30}:[ \t]*)";

// Capitalised words that are no names, so never masked alone: function words
// that start sentences, days, months, nationalities and languages, laws,
// and the roles and institutions notes name.
constexpr std::string_view kNotNames[] = {
    "Aan",        "Al",           "Alle",         "Als",
    "Beide",      "Bij",          "Dan",          "Dat",
    "Daarna",     "Daarom",       "Deze",         "Die",
    "Dit",        "Door",         "Een",          "En",
    "Er",         "Geen",         "Haar",         "Hem",
    "Hier",       "Hij",          "Hoe",          "Hun",
    "Ik",         "In",           "Ja",           "Je",
    "Jij",        "Maar",         "Met",          "Mijn",
    "Na",         "Naar",         "Nee",          "Niet",
    "Nog",        "Nu",           "Of",           "Om",
    "Onder",      "Ons",          "Ook",          "Op",
    "Over",       "Sinds",        "Tevens",       "Tijdens",
    "Toen",       "Tot",          "Uit",          "Verder",
    "Vervolgens", "Volgens",      "Voor",         "Vanaf",
    "Wat",        "Waar",         "Waarom",       "Want",
    "We",         "Wel",          "Wie",          "Wij",
    "Ze",         "Zij",          "Zijn",         "Zo",
    "Zie",        "Vandaag",      "Gisteren",     "Morgen",
    "Vanochtend", "Vanmorgen",    "Vanmiddag",    "Vanavond",
    "Vannacht",   "Maandag",      "Dinsdag",      "Woensdag",
    "Donderdag",  "Vrijdag",      "Zaterdag",     "Zondag",
    "Januari",    "Februari",     "Maart",        "April",
    "Mei",        "Juni",         "Juli",         "Augustus",
    "September",  "Oktober",      "November",     "December",
    "Nederland",  "Nederlands",   "Nederlandse",  "Turks",
    "Turkse",     "Marokkaans",   "Marokkaanse",  "Surinaams",
    "Surinaamse", "Antilliaanse", "Pools",        "Poolse",
    "Syrische",   "Eritrese",     "Somalische",   "Afghaanse",
    "Duits",      "Duitse",       "Belgische",    "Roemeense",
    "Bulgaarse",  "Oekraïense",   "Russische",    "Arabisch",
    "Engels",     "Europese",     "Wmo",          "Jeugdwet",
    "Wvggz",      "Wzd",          "Wet",          "Participatiewet",
    "Gemeente",   "Politie",      "Reclassering", "Veilig",
    "Thuis",      "Zorg",         "Wijkteam",     "Cliënt",
    "Client",     "Betrokkene",   "Melder",       "Meneer",
    "Mevrouw",    "Actie",        "Vervolg",      "Afspraak",
    "Risico",     "Melding",      "Signaal",      "Verslag",
    "Notitie",    "Conclusie",    "Advies",       "Graag",
    "Groet",      "Groeten",      "Bedankt",      "Dank"};

bool is_initials(std::string_view token) {
  return token.ends_with('.');
}

std::string cue_text() {
  return "(?:" + std::string(kTitles) + "\\.[ \\t]*(?:[(][ \\t]*)?|" + std::string(kCues) +
         "(?:[ \\t]*[:(,][ \\t]*|[ \\t]+)|" + std::string(kListCues) + ")";
}

std::unique_ptr<const re2::RE2> compile(const std::string& text) {
  re2::RE2::Options options;
  options.set_max_mem(kPatternMemory);
  auto compiled = std::make_unique<const re2::RE2>(text, options);
  if (!compiled->ok()) std::abort();  // the patterns are constants of this file
  return compiled;
}

// A cue written as one word inside a run of capitalised words: "Zus", "Dhr.".
bool is_cue_word(std::string_view word) {
  static const auto pattern = compile(std::string(kCues) + "|" + std::string(kTitles) + "\\.");
  return matches_exactly(*pattern, word, 0, word.size());
}

// An optional cue, then initials and/or a chain of capitalised words with
// tussenvoegsels.
const re2::RE2& name_pattern() {
  static const auto pattern = [] {
    const std::string part =
        "(?:" + std::string(kTussenvoegsel) + "[ \\t]+)*" + std::string(kCapitalised);
    const std::string chain = part + "(?:[ \\t]+" + part + ")*";
    const std::string name =
        "(?:" + std::string(kInitials) + "[ \\t]*(?:" + chain + ")?|" + chain + ")";
    return compile("(?:^|[^\\p{L}\\p{N}])(?:" + cue_text() + ")?" + name);
  }();
  return *pattern;
}

// What may stand between two names of one list: "Jan en Piet", "Jan, Piet",
// "Jan (GGZ), Piet (wijkteam) en ...".
const re2::RE2& coordination_pattern() {
  static const auto pattern = compile(R"([ \t]*(?:\([^()\n]{0,40}\)[ \t]*)?(?:,|en|of|&)[ \t]*)");
  return *pattern;
}

// The cue alone, to tell where the name after it starts.
const re2::RE2& cue_pattern() {
  static const auto pattern = compile(cue_text());
  return *pattern;
}

struct Token {
  std::size_t begin = 0;
  std::size_t end = 0;
  enum class Kind { kInitialsToken, kParticle, kCue, kWord, kNotName } kind = Kind::kWord;
};

std::vector<Token> tokens_of(std::string_view text, std::size_t begin, std::size_t end) {
  std::vector<Token> tokens;
  std::size_t at = begin;
  while (at < end) {
    while (at < end && (text[at] == ' ' || text[at] == '\t')) ++at;
    const std::size_t start = at;
    while (at < end && text[at] != ' ' && text[at] != '\t') ++at;
    if (at == start) break;
    const auto word = text.substr(start, at - start);
    Token token{start, at, Token::Kind::kWord};
    if (is_cue_word(word)) {
      token.kind = Token::Kind::kCue;
    } else if (is_tussenvoegsel(word)) {
      token.kind = Token::Kind::kParticle;
    } else if (is_initials(word)) {
      token.kind = Token::Kind::kInitialsToken;
    } else if (is_not_a_name(word)) {
      token.kind = Token::Kind::kNotName;
    }
    tokens.push_back(token);
  }
  return tokens;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

bool is_tussenvoegsel(std::string_view word) {
  static constexpr std::string_view kWords[] = {
      "van", "von",  "de", "der", "den", "het", "'t",  "’t", "'s",  "’s",    "ter",
      "ten", "el",   "al", "la",  "le",  "du",  "da",  "di", "del", "della", "dos",
      "vd",  "v.d.", "d'", "d’",  "l'",  "l’",  "uit", "in", "op",  "aan",   "bij"};
  static const std::unordered_set<std::string_view> kSet(std::begin(kWords), std::end(kWords));
  return word.size() <= 5 && kSet.contains(lower_ascii(word));
}

bool is_not_a_name(std::string_view word) {
  static const std::unordered_set<std::string_view> kSet(std::begin(kNotNames),
                                                         std::end(kNotNames));
  return kSet.contains(word);
}

std::expected<void, std::string> Gazetteer::add(std::string_view name) {
  const auto tokens = tokens_of(name, 0, name.size());
  static const re2::RE2 capitalised{std::string(kCapitalised)};
  if (tokens.empty()) return std::unexpected("\"" + std::string(name) + "\" is empty");
  std::string key;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto word = name.substr(tokens[i].begin, tokens[i].end - tokens[i].begin);
    const bool last = i + 1 == tokens.size();
    if (!last && tokens[i].kind != Token::Kind::kParticle) {
      return std::unexpected("\"" + std::string(name) +
                             "\": only tussenvoegsels may precede the last word");
    }
    if (last && !re2::RE2::FullMatch(re2::StringPiece(word.data(), word.size()), capitalised)) {
      return std::unexpected("\"" + std::string(name) +
                             "\": the last word must be capitalised letters (\"Jansen\")");
    }
    if (last && is_not_a_name(word)) {
      return std::unexpected("\"" + std::string(name) + "\" is a word notes use as no name");
    }
    key += (key.empty() ? "" : " ") + (last ? std::string(word) : lower_ascii(word));
  }
  keys_.insert(std::move(key));
  return {};
}

std::expected<void, std::string> Gazetteer::add_lines(std::string_view text) {
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    line = line.substr(0, std::min(line.find('#'), line.size()));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line.empty()) continue;
    if (auto added = add(line); !added) {
      return std::unexpected("line " + std::to_string(number) + ": " + added.error());
    }
  }
  return {};
}

NameFinder::NameFinder(Gazetteer gazetteer) : gazetteer_(std::move(gazetteer)) {}

namespace {

// Whether the capitalised word at `index`, with the tussenvoegsels right
// before it, is a name the gazetteer or the context knows.
bool known_name(std::string_view text, const std::vector<Token>& tokens, std::size_t index,
                const Gazetteer& gazetteer, const std::unordered_set<std::string>& known) {
  const auto word =
      std::string(text.substr(tokens[index].begin, tokens[index].end - tokens[index].begin));
  if (gazetteer.contains(word) || known.contains(word)) return true;
  for (std::size_t from = 0, at = 0; at <= word.size(); ++at) {  // "Gert-Jan", "Verhaar-Bakker"
    if (at < word.size() && word[at] != '-') continue;
    const std::string piece = word.substr(from, at - from);
    if (piece != word && (gazetteer.contains(piece) || known.contains(piece))) return true;
    from = at + 1;
  }
  std::string key = word;
  for (std::size_t before = index; before > 0 && tokens[before - 1].kind == Token::Kind::kParticle;
       --before) {
    const auto& particle = tokens[before - 1];
    key = lower_ascii(text.substr(particle.begin, particle.end - particle.begin)) + " " + key;
    if (gazetteer.contains(key)) return true;
  }
  return false;
}

// The names in one run of capitalised words, split at the cue words inside it
// ("Intake Zus Tijs": Tijs, after "Zus").
class RunReader {
 public:
  RunReader(std::string_view text, const Gazetteer& gazetteer,
            const std::unordered_set<std::string>& known, std::vector<NameFind>& found)
      : text_(text), gazetteer_(gazetteer), known_(known), found_(found) {}

  void read(std::vector<Token> tokens, bool cued) {
    for (std::size_t i = 1; i < tokens.size(); ++i) {  // "van 't Wel", "L.A. Wel": a surname
      const auto before = tokens[i - 1].kind;
      if (tokens[i].kind == Token::Kind::kNotName &&
          (before == Token::Kind::kParticle || before == Token::Kind::kInitialsToken)) {
        tokens[i].kind = Token::Kind::kWord;
      }
    }
    std::size_t from = 0;
    for (std::size_t i = 0; i <= tokens.size(); ++i) {
      if (i < tokens.size() && tokens[i].kind != Token::Kind::kCue) continue;
      read_segment(tokens, from, i, cued);
      from = i + 1;
      cued = true;
    }
  }

 private:
  static bool namelike(const Token& token) {
    return token.kind == Token::Kind::kInitialsToken || token.kind == Token::Kind::kWord;
  }

  // Masks from the first initials or name-like word, tussenvoegsels before it
  // included, to the last one: "Vandaag Jan de Vries" masks "Jan de Vries".
  void read_segment(const std::vector<Token>& tokens, std::size_t begin, std::size_t end,
                    bool cued) {
    std::size_t from = begin;
    while (from < end && !namelike(tokens[from])) ++from;
    if (from == end) return;
    while (from > begin && tokens[from - 1].kind == Token::Kind::kParticle) --from;
    std::size_t to = end;
    while (to > from && !namelike(tokens[to - 1])) --to;
    bool name = cued;
    bool initials = false;
    NameFind find{{tokens[from].begin, tokens[to - 1].end, RedactionKind::kName}, {}};
    for (std::size_t i = from; i < to; ++i) {
      if (tokens[i].kind == Token::Kind::kInitialsToken) initials = true;
      if (tokens[i].kind != Token::Kind::kWord) continue;
      find.words.emplace_back(text_.substr(tokens[i].begin, tokens[i].end - tokens[i].begin));
      if (initials || known_name(text_, tokens, i, gazetteer_, known_)) name = true;
    }
    if (name && whole_words(text_, find.found.begin, find.found.end)) {
      found_.push_back(std::move(find));
    }
  }

  std::string_view text_;
  const Gazetteer& gazetteer_;
  const std::unordered_set<std::string>& known_;
  std::vector<NameFind>& found_;
};

}  // namespace

std::vector<NameFind> NameFinder::find(std::string_view text,
                                       const std::unordered_set<std::string>& known) const {
  std::vector<NameFind> found;
  RunReader reader(text, gazetteer_, known, found);
  for_each_match(name_pattern(), text, [&](std::size_t begin, std::size_t end) {
    // The pattern starts with the character before the run (a run never
    // starts inside a word), unless the run starts the text.
    if (class_after(text, begin) != CharClass::kLetter && text[begin] != '\'') {
      begin = next_char(text, begin);
    }
    re2::StringPiece cue;
    const bool cued =
        cue_pattern().Match(re2::StringPiece(text.data(), end), begin, end, re2::RE2::ANCHOR_START,
                            &cue, 1) ||
        (!found.empty() && found.back().found.end < begin &&
         matches_exactly(coordination_pattern(), text, found.back().found.end, begin));
    const std::size_t name_begin = cue.data() != nullptr ? begin + cue.size() : begin;
    reader.read(tokens_of(text, name_begin, end), cued);
    return end;
  });
  return found;
}

}  // namespace schakel::policy::redaction

"""The evidence of assistant/answer_fit on sentences of the kinds the benchmark corpora hold (news,
licences, encyclopedia): right kinds fit, near-misses of the same topic do not."""

from __future__ import annotations

import pytest

from assistant.answer_fit import (
    AnswerKind,
    asked_figures,
    expected_kind,
    figure_missing,
    kind_fit,
    negation_flip,
    opposite_swap,
    role_swap,
)


@pytest.mark.parametrize("question, kind", [
    ("How much did the company charge for its first sign?", AnswerKind.MONEY),
    ("For how much is Yahoo selling its business?", AnswerKind.MONEY),
    # a scope or a preposition before the question words
    ("Under GPLv3, within how many days must the holder tell you?", AnswerKind.COUNT),
    ("Up to how many dollars is a Contributor liable?", AnswerKind.MONEY),
    ("According to the CDC, when did the outbreak start?", AnswerKind.TIME),
    ("Under what conditions, if any, may you sell it?", AnswerKind.CONDITION),
    ("How much cargo was the ship carrying?", AnswerKind.MEASURE),
    ("How many boards have been sold?", AnswerKind.COUNT),
    ("How long can a Back-Cover Text be?", AnswerKind.MEASURE),
    ("When did his time in office begin?", AnswerKind.TIME),
    ("In what year was the treaty signed?", AnswerKind.TIME),
    ("What percentage of voters approved?", AnswerKind.PERCENT),
    ("What child poverty rate did the report give?", AnswerKind.PERCENT),
    ("What is the price of the headset?", AnswerKind.MONEY),
    # a question for the unit a quantity is stated in asks for no number
    ("What is content length measured in?", AnswerKind.ANY),
    ("In what units is the fragment offset given?", AnswerKind.ANY),
    # a value is a number of any kind, unless the question names a currency
    ("What is the minimum value of the Internet Header Length field?", AnswerKind.MEASURE),
    ("What was the value in dollars of the spacecraft and its cargo?", AnswerKind.MONEY),
    ("What is Lupita Nyong'o's stolen dress worth?", AnswerKind.MONEY),
    ("What was the population of Paris in 1900?", AnswerKind.COUNT),
    ("Where was she born?", AnswerKind.PLACE),
    ("Which company manufactured the tools?", AnswerKind.NAME),
    ("What is the name of the gunman?", AnswerKind.NAME),
    ("Who wrote the script?", AnswerKind.NAME),
    ("Who is Artyom Shraibman?", AnswerKind.ANY),  # asks for a description, not a name
    ("Who is the defence minister of Belarus?", AnswerKind.NAME),  # ... who holds a role
    ("Who was president of the Free Software Foundation?", AnswerKind.NAME),
    ("What did the Normans do in Italy?", AnswerKind.ANY),
    ("Why hasn't Lukashenko sent troops?", AnswerKind.ANY),
])
def test_expected_kind_reads_the_question_words(question, kind):
    assert expected_kind(question) is kind


@pytest.mark.parametrize("question, sentence, fit", [
    # money: a currency amount fits; a date and a length are only numbers
    ("How much does the game cost?", "It costs $29.99 on the store.", 1.0),
    ("How much did he charge for the sign?", "He showed it at the Paris Motor Show in December 1910, "
     "with 40-foot-tall tubes.", 0.5),
    ("How much did he charge for the sign?", "He showed it at the Paris Motor Show.", 0.0),
    # percentages, in digits or words
    ("What share of Belarusians support sending troops?", "As few as four per cent said so.", 1.0),
    ("What percentage of voters approved?", "Turnout was 43% in June.", 1.0),
    # counts: a year is not a count; words and ordinals are
    ("How many boards have been sold?", "The project started in 2005.", 0.0),
    ("How many boards have been sold?", "About 700,000 boards have been sold.", 1.0),
    ("How many times have they met?", "They will meet for the sixth time.", 1.0),
    ("How many boards have been sold?", "This division of responsibilities may seem odd.", 0.0),
    # a number beside what is counted fits best; a share is only a weak form of a count
    ("How many people did the institute survey?", "The poll surveyed 1,200 people in June.", 1.0),
    ("How many people did the institute survey?", "It surveyed 1,200 Belarusians.", 0.75),
    ("How many people did the institute survey?", "43 per cent of the people disapproved.", 0.5),
    ("How many years has he ruled?", "He keeps his 28-year rule.", 1.0),
    # an ordinal counts beside the counted noun or in "for the sixth time", not otherwise
    ("How many projects use the licence?", "This is the first released version.", 0.0),
    ("How many meetings will they have had?", "They meet for the sixth time next week.", 0.75),
    ("How many contributors approved it?", "No one other than the steward may.", 0.75),
    ("How many software projects use it?", "Copyright 1999 Free Software Foundation.", 0.0),
    ("How many soldiers were killed?", "Tens of thousands of Russian soldiers gathered.", 1.0),
    # the numbers of a date or a clock time count nothing
    ("How many people were on board?", "The ship broke up on Thursday Dec. 1, 2016.", 0.0),
    ("How many people were on board?", "It lifted off at 8:51 p.m. on 29 November.", 0.0),
    ("How many people were on board?", "It lifted off on Dec. 1 with 3 people on board.", 1.0),
    ("When did it lift off?", "It lifted off on Dec. 1.", 1.0),
    # the digits of a web address are a path, not an amount
    ("How many reasons does the post give?", "It will not happen "
     "(https://www.cnn.com/2022/03/22/europe/belarus-ukraine/index.html).", 0.0),
    # time: dates fit, a relative clause half fits, the modal 'may' is not the month
    ("When did his rule begin?", "He came to power in 1994.", 1.0),
    ("When did his rule begin?", "He took office on 20 July.", 1.0),
    ("When does the licence terminate?", "It terminates automatically upon any violation.", 0.5),
    ("When may the licence be terminated?", "You may not propagate it.", 0.0),
    ("When do you need to water the terrarium?",
     "You won't have to water it unless the walls are not misting up.", 0.5),
    ("When did the meeting start?", "It began May 5.", 1.0),
    # "how much <stuff>": the amount stands beside the stuff, not anywhere in the sentence
    ("How much gas does Belarus import each year?",
     "Belarus imports 20 billion cubic metres of gas a year.", 1.0),
    ("How much gas does Belarus import each year?",
     "He depends on subsidized oil and gas supplies and has ruled for 28 years.", 0.5),
    # the stuff in another form of the word ("gases")
    ("How much gas does the plant release?", "It releases 40 tonnes of gases a day.", 1.0),
    # an era-marked date is a time; the oil company and an advert are not
    ("When did Augustus die?", "From the death of Augustus in AD 14 until AD 70 ...", 1.0),
    ("When did the warming begin?", "Rapid warming began about 13,000 BP.", 1.0),
    ("When did the shares rise?", "The BP shares rose on an ad campaign.", 0.0),
    # a point in time counted back says when, not how long or how many years
    ("How many years did it take for the subsoil to thaw?",
     "Europe began to warm up from 22,000 years ago onward.", 0.0),
    ("How long did the Ice Ages last?", "Around 2.5 million years ago began the Ice Ages.", 0.0),
    ("How long did the Ice Ages last?", "The Ice Ages lasted 2.5 million years.", 1.0),
    ("How many years ago did Europe warm up?", "It warmed from 22,000 years ago onward.", 1.0),
    # "how long": a number before a unit of time (or of length, unless the question asks how
    # long something does something), not any number; "once" as a conjunction or in "every
    # once in a while" counts nothing
    ("How long does a terrarium last?", "My other two main interests are absent.", 0.0),
    ("How long does a terrarium last?", "Cut the foam about 2 cm smaller.", 0.0),
    ("How long does a terrarium last?", "Enjoy it every once in a while.", 0.0),
    ("How long does a terrarium last?", "It lasts for two years.", 1.0),
    ("How long can a Back-Cover Text be?", "It may be at most 25 words.", 1.0),
    ("How long is the review period?", "It sets a six-month review period.", 1.0),
    ("How long may an item name be?", "It must not have zero length.", 1.0),
    ("How many times did they meet?", "They met once in Minsk.", 0.75),
    ("How many times did they meet?", "Once you pick it up, you buy it.", 0.0),
    # the older spelling of public-domain books
    ("When would the coach leave?", "At three to-morrow the diligence will start.", 1.0),
    # a time of day in words
    ("What time was the alarm set for?", "It had been set for four o'clock.", 1.0),
    ("When did the clock strike?", "The clock struck quarter to seven.", 1.0),
    # names and places the question does not already hold
    ("What is the name of the gunman who fired in Louisiana?",
     "A gunman opened fire at a cinema in Louisiana.", 0.0),
    ("Who opened fire in Louisiana?", "John Houser opened fire at a cinema in Louisiana.", 1.0),
    ("Where was Grace Mugabe born?", "Grace Mugabe was born in Benoni.", 1.0),
    # a who-question is half answered by a person noun the question lacks; other name
    # questions are not
    ("Who knocked at the door?", "Somebody called - it was his mother.", 0.5),
    ("Who used the church to unify the duchy?", "It was utilised by the dukes.", 0.5),
    ("Who knocked at the door?", "The door was locked at night.", 0.0),
    ("Who was the boy's mother?", "His mother was satisfied.", 0.0),
    ("Which company made the tools?", "The tools sickened eleven people.", 0.0),
    ("Which store chain uses the decoy effect most?",
     "The Decoy effect is also a commonly used tactic.", 0.0),
    ("Which dictionary does the author quote?", "She quotes Merriam-Webster on it.", 1.0),
    # a question of no particular kind fits anything
    ("What did the Normans do in Italy?", "They founded a kingdom.", 1.0),
])
def test_kind_fit(question, sentence, fit):
    assert kind_fit(question, sentence) == fit


@pytest.mark.parametrize("question, sentence, flipped", [
    ("What is not strictly contained in PSPACE?", "L is strictly contained in PSPACE.", 1.0),
    ("What is not strictly contained in PSPACE?", "NL is not known to be contained in L.", 0.0),
    ("What is strictly contained in PSPACE?", "L is strictly contained in PSPACE.", 0.0),
    # reasons answer a negated why-question without a negation of their own
    ("Why hasn't Lukashenko sent troops?",
     "He would prefer keeping the best of his military at home.", 0.0),
    # a negation inside a condition or an indirect question describes the case, not the answer
    ("What may you do if the Library names no version number?",
     "You may choose any version ever published.", 0.0),
    ("Who asked whether any supporters were not angry?",
     "A writer asked on Twitter whether anyone was calm.", 0.0),
    # "not" before a gerund names the topic; after a form of "be" it negates the question
    ("How many reasons does the post give for Belarus not joining the war?",
     "There are three reasons for this.", 0.0),
    ("Which countries are not joining the union?", "Norway and Iceland are joining the union.",
     1.0),
    # "not only" adds to what is said: the sentence is not negated
    ("What was not shaped by sedimentation?",
     "The delta is shaped not only by the sedimentation of the rivers, but also by tides.", 1.0),
    # the other way round: the sentence denies what a plain question asks about
    ("What are intended as a practical computing technology?",
     "Turing machines are not intended as a practical computing technology.", 1.0),
    # an instruction denies nothing
    ("What happens once you pick up an item in a store?",
     "Don't pick anything up and don't play with display items.", 0.0),
    ("What has been proven about P?", "It has not yet been proven for P.", 1.0),
    ("What is intended as a thought experiment?",
     "Turing machines are not intended as a practical technology, but as a thought "
     "experiment.", 0.0),
    # "not X but Y" answers with Y; "not only" adds; a word also used plainly is affirmed
    ("Where will the decision be taken?", "It is not taken in Minsk, but in Moscow.", 0.0),
    ("And what would happen if it does join?", "He hoped Belarus would not join the war.", 0.0),
    # a denial answers a yes-or-no question
    ("Is Creative Commons a party to the dedication?",
     "Creative Commons is not a party to this document.", 0.0),
    ("Going by the imagery, does Ukraine face an attack?",
     "The imagery suggests the country does not face an immediate attack.", 0.0),
    ("What does the licence require?", "It does not only require notice.", 0.0),
    ("What does the licence require?",
     "It does not require a fee, but it requires notice and requires a copy.", 0.0),
])
def test_negation_flip_when_the_sentence_states_the_opposite(question, sentence, flipped):
    assert negation_flip(question, sentence) == flipped


@pytest.mark.parametrize("question, figures", [
    ("Who won the 2022 World Cup?", ["2022"]),
    ("What Norman law was developed between 1000 and 1300?", ["1000", "1300"]),
    ("What happened in May 2015?", ["2015"]),
    # version and part numbers name a document or a thing, not a time or an amount
    ("Which licence does the Lesser GPL 2.1 succeed?", []),
    ("Under GPLv3, within how many days must the holder tell you?", []),
    ("What does section 3 of the Apache License 2.0 say?", []),
    ("How much cargo was the Progress MS-04 carrying?", []),
])
def test_asked_figures_are_years_and_quantities(question, figures):
    assert asked_figures(question) == figures


def test_figure_missing_when_the_passage_is_about_another_year():
    question = "Who provided a definition of linear bounded automata in 1970?"
    assert figure_missing(question, "John Myhill's definition of linear bounded automata "
                                    "(Myhill 1960) came first.") == 1.0
    assert figure_missing(question, "In 1970 Kuroda gave the definition.") == 0.0
    assert figure_missing("Which licence does the Lesser GPL 2.1 succeed?", "No number.") == 0.0
    # a ruler's numbered name is a figure too
    question = "What title did Henry II take in the Canary Islands?"
    assert figure_missing(question, "Bethencourt took the title of King of the Canary "
                                    "Islands, as vassal to Henry III of Castile.") == 1.0
    assert figure_missing(question, "Henry II took the title of Lord of the Isles.") == 0.0
    assert figure_missing("How much does the Xbox One X weigh?", "The console weighs 3.8 kg.") == 0.0
    assert figure_missing("When did World War II end?", "The Second World War ended.") == 0.0


@pytest.mark.parametrize("question, passage, missing", [
    # the term a question asks to have defined stands, word for word, in the passage
    ("What is the graph isolation problem?",
     "The graph isomorphism problem is the problem of deciding whether two graphs are "
     "isomorphic.", 1.0),
    ("What is the graph isomorphism problem?",
     "The graph isomorphism problem is the problem of deciding whether two graphs are "
     "isomorphic.", 0.0),
    ("What does Source Code Form mean?", '"Source Code Form" means the form of the work '
     "preferred for making modifications.", 0.0),
    ("What is the meaning of polynomial-space reduction?",
     "Reductions are bounded in complexity, such as polynomial-time reductions.", 1.0),
    # a term merely absent is no swap: a setting's name may stand apart from its default
    ("What is the default minContentLength?",
     "The options: * `minContentLength` (number, default `140`): the minimum length.", 0.0),
    ("What is the graph isolation problem?", "Graphs are encoded as binary strings.", 0.0),
    # words that describe rather than name need not stand together: no term, no check
    ("What was the final score?", "The game ended 3-1.", 0.0),
    ("What are the other four important complexity classes?", "They are RP, BPP, PP.", 0.0),
    # nor a question about something other than what the thing is
    ("What is the Rhine called in French?", "Its French name is le Rhin.", 0.0),
])
def test_figure_missing_when_the_passage_swaps_a_word_of_the_term_asked_about(question, passage, missing):
    assert figure_missing(question, passage) == missing


@pytest.mark.parametrize("question, sentence, swapped", [
    ("What is the least used type of reduction?",
     "The most commonly used reduction is a polynomial-time reduction.", 1.0),
    ("How can graphs be encoded indirectly?",
     "Graphs can be encoded directly via their adjacency matrices.", 1.0),
    ("Who came into contact with Wales after the conquest?",
     "Even before the Conquest, the Normans had come into contact with Wales.", 1.0),
    ("When the Rhine took a right turn what did it create?",
     "The Rhine took a left turn, creating the Channel River.", 1.0),
    # the same words, or opposites that both appear in the question, are no swap
    ("What is the most used type of reduction?",
     "The most commonly used reduction is a polynomial-time reduction.", 0.0),
    ("Did more or fewer people vote than before?", "Fewer people voted.", 0.0),
    ("What information does the licence require?", "It requires formation of a notice.", 0.0),
    ("Who was the sister of Duke Richard?", "Emma, the brother of Duke Richard, married.", 1.0),
    # converse pairs tell one event from the other side
    ("For how much is Yahoo selling its business?", "Verizon is buying it for $4.8 billion.", 0.0),
    ("Who won the final?", "Spain lost the final to Italy.", 0.0),
    # after the same word, a preposition of direction swapped for its opposite
    ("Who fled from southern Italy?", "Several monks fled to southern Italy.", 1.0),
    ("What water runs out of the sea?", "Rhine water runs into the sea in five places.", 1.0),
    ("Who fled to southern Italy?", "Several monks fled to southern Italy.", 0.0),
    # an opposite the sentence uses where the question has the plain word, or a negating prefix
    ("What is harder to analyze in terms of unusual resources?",
     "Some problems are easier to analyze in terms of unusual resources.", 1.0),
    ("What is an important solved problem in complexity theory?",
     "An important unsolved problem in complexity theory is graph isomorphism.", 1.0),
    ("What is an important unsolved problem in complexity theory?",
     "An important unsolved problem in complexity theory is graph isomorphism.", 0.0),
    ("Which response codes count as successful?",
     "A request is successful if the code is in the 2xx range, and unsuccessful if not.", 0.0),
    # a thing counted otherwise, and never as the question counts it
    ("What problem decides if three finite graphs are isomorphic?",
     "The problem of determining whether two finite graphs are isomorphic.", 1.0),
    ("What problem decides if two finite graphs are isomorphic?",
     "The problem of determining whether two finite graphs are isomorphic.", 0.0),
    ("How many finite graphs does the problem compare?",
     "The problem of determining whether two finite graphs are isomorphic.", 0.0),
    # a point of the compass the sentence does not name, while it names others
    ("What is the delta delimited in the North by?",
     "The delta is delimited in the West by the Old Rhine and in the East by a canal.", 1.0),
    ("What streams are there in northern Germany?",
     "In the north of Germany, the smaller streams are called Fleeten.", 0.0),
    ("Where does the Rhine flow west?", "Near Katwijk the Old Rhine flows north-west.", 0.0),
    ("What banks are sparsely populated?", "Its banks are usually heavily populated.", 1.0),
    # the least of something, where the sentence names no least at all; "at least" is no such
    ("What are the least dominant economic sectors in the area?",
     "The dominant economic sectors in the area are viniculture and tourism.", 1.0),
    ("What are the least dominant economic sectors in the area?",
     "The least dominant sector in the area is mining.", 0.0),
    ("What must a licence contain at least?", "A licence must contain a notice.", 0.0),
    ("What was a source of pollution after the 1980s?",
     "Until the early 1980s, industry was a major source of water pollution.", 1.0),
    ("What did the orogeny cause before the Eocene?",
     "From the Eocene onwards, the orogeny caused a rift system to develop.", 1.0),
    ("How far is Lyon from Paris?", "Lyon lies 400 km to the south of Paris.", 0.0),
    ("What stops you from complying?", "If it is impossible for You to comply ...", 0.0),
    # a "to" before a verb is an infinitive, not a direction
    ("When is your restored license to be ended?",
     "Your license from a copyright holder is reinstated provisionally.", 0.0),
    # "from X to Y" holds the question's "to": "a switch to what?"
    ("What protocol may servers offer an optional switch to?",
     "Servers MAY also offer an optional switch from https to SPDY.", 0.0),
    # a fronted preposition is the one the answer stands after
    ("From which password manager can users import logins into Firefox?",
     "Users can now import logins from KeePass into Firefox.", 0.0),
])
def test_opposite_swap(question, sentence, swapped):
    assert opposite_swap(question, sentence) == swapped


def test_conditions_are_answered_by_conditional_sentences():
    question = "Under what conditions may you convey the work?"
    assert expected_kind(question) is AnswerKind.CONDITION
    assert kind_fit(question, "You may convey it provided that you keep the notices.") == 1.0
    assert kind_fit(question, "The work is licensed under the GPL.") == 0.0


def test_a_number_the_question_holds_or_a_version_number_is_not_the_answer():
    question = "How many software projects are released under GPL version 2?"
    assert kind_fit(question, "This is version 2 of the GPL.") == 0.0
    assert kind_fit(question, "It also counts as the successor of the GNU Library Public License, "
                              "version 2, hence the version number 2.1.") == 0.0
    assert kind_fit(question, "Over 2,000 projects use version 2.") == 1.0
    assert kind_fit("In what year was the MPL 2.0 released?",
                    "This Source Code Form is subject to the MPL, v. 2.0.") == 0.0
    assert kind_fit("What happened in 1991 after independence?", "Nothing.") == 1.0
    assert kind_fit("When did Belarus become independent after 1990?",
                    "Belarus became independent in 1991.") == 1.0
    assert kind_fit("When did Belarus become independent after 1990?",
                    "Belarus had protests in 1990.") == 0.0


def test_a_missing_kind_refuses_whatever_the_model_says():
    from assistant.abstention import FEATURES, AbstentionEvidence, decide

    values = dict.fromkeys(FEATURES, 1.0) | {"negation_flip": 0.0, "opposite_swap": 0.0}
    evidence = AbstentionEvidence(coverage=1.0, **values)
    weights = (0.0,) + (1.0,) * len(FEATURES)
    assert decide(evidence, weights, 0.5).answerable
    missing = AbstentionEvidence(coverage=1.0, kind_found=False, **values)
    refused = decide(missing, weights, 0.5)
    assert not refused.answerable and refused.kind_missing and refused.probability > 0.5


@pytest.mark.parametrize("question, sentence, fit, missing", [
    ("How long has he ruled Belarus?", "He has ruled the country since 1994.", 0.5, False),
    ("How long has he ruled Belarus?", "He rules with an iron fist.", 0.0, True),
    ("How often does the board meet?", "It meets every week.", 1.0, False),
    ("How often does the board meet?", "The board is large.", 0.0, True),
    ("How late did the meeting run?", "It ran until 11 p.m.", 1.0, False),
    # a sum of money carries its currency; a bare number is another quantity
    ("How much did he charge for the sign?", "The tubes were 40 feet tall.", 0.5, True),
    ("How much did he charge for the sign?", "He charged 500 francs for it.", 1.0, False),
    # ... and a share is no count: "how many people" is not answered by "43 per cent"
    ("How many people approved?", "43 per cent of the people approved.", 0.5, True),
    ("How many people approved?", "Some 4,300 people, 43 per cent, approved.", 1.0, False),
    # a "who" is often answered by a description: it weighs in the model but never refuses
    ("Who pays the court costs in a lawsuit?", "The losing party pays the costs.", 0.0, False),
    # the name of a thing: a name beside the thing, or a sentence that names outright; the
    # thing mentioned with no name beside it is refused
    ("What was the name of the gunman who opened fire in the cinema?",
     "Hours later, a gunman opened fire at a cinema in the US state of Louisiana.", 0.0, True),
    ("What was the name of the gunman who opened fire in the cinema?",
     "Police said the gunman, John Houser, opened fire at the cinema.", 1.0, False),
    ("What is the name of Wade Bassi's halibut schooner?",
     "From the deck of his halibut schooner, undergoing an overhaul at Fisherman's Terminal "
     "in Seattle, skipper Wade Bassi has better insight than most.", 0.0, True),
    ("What is the name of the patent portfolio Yahoo keeps out of the sale?",
     "Yahoo's oldest patents are held back in the so-called Excalibur portfolio.", 1.0, False),
    ("What was the name of the Norman castle?",
     "The Normans built many castles, including Trim Castle and Dublin Castle.", 1.0, False),
    ("What was the name of Bohemond's nephew?", "His nephew Tancred led the army.", 1.0, False),
    # a name three words from the thing is not its name; "Mr." does not end the question
    ("What was the name of Mr. Bingley's horse?",
     "The gentlemen will have Mr. Bingley's chaise, and the Hursts have no horses.", 0.0, True),
    # a name the question holds in the possessive names nothing new
    ("What was the name of the Queen's executioner?",
     "“She’s in prison,” the Queen said to the executioner.", 0.0, True),
    # money of older texts, and an income as so much a year
    ("What is the yearly income of the young man?",
     "A single man of large fortune; four or\nfive thousand a year.", 1.0, False),
    ("How much did the cook pay for the bread?", "She paid sixpence for it.", 1.0, False),
    ("What is the yearly income of the young man?", "He came in 1990, a year late.", 0.0, True),
    # a width or height is a number beside the word it is stated with
    ("How wide is the valley?", "The river, 86 km long, flows through a wide valley.", 0.5, True),
    ("How wide is the valley?", "The valley is up to 40 km wide.", 1.0, False),
    ("How high is the dam?", "The dam reaches a height of 285 m.", 1.0, False),
    ("How wide is the valley?", "It flows north.", 0.0, True),
    # an age is a number beside "old", "aged" or "age"; a count of people is not one
    ("How old is Alexander Lukashenko?", "67-year-old Alexander Lukashenko will be pressed.",
     1.0, False),
    ("How old was the captain?", "The captain, aged 54, refused.", 1.0, False),
    # news sets an age off after the name
    ("How old was Eloise Parry?", "Eloise Parry, 21, died after taking the tablets.", 1.0,
     False),
    ("How old was Eloise Parry?", "She bought 3 tablets, 21 of them.", 0.5, True),
    ("How old is Alice's sister?", "And so these three little sisters were learning to draw.",
     0.5, True),
    # "what year" is answered by a year, a decade or a century; not by a month or a minute
    ("In what year was Alice born?", "After a minute or two she walked on.", 0.0, True),
    ("In what year was Alice born?", "As this is May it won't be raving mad.", 0.0, True),
    ("In what year was Alice born?", "Alice was born in 1852.", 1.0, False),
    ("What year did the war end?", "The war ended the following year.", 0.5, False),
    ("What century did the French adopt it?", "It was adopted in the 12th century.", 1.0,
     False),
    # "what colour" by a colour term
    ("What colour was the Cheshire Cat?", "It's a Cheshire cat, said the Duchess.", 0.0, True),
    ("What color is the new logo?", "The new logo is a greenish circle.", 1.0, False),
    ("What colour were the White Rabbit's eyes?", "The White Rabbit ran past.", 0.0, True),
    ("What colour were the White Rabbit's eyes?", "A White Rabbit with pink eyes ran past.", 1.0,
     False),
    # a sentence that does not mention the thing leaves the question to the model
    ("What was the name of the gunman?", "Police in Louisiana searched the house.", 0.5, False),
])
def test_durations_frequencies_and_which_kinds_refuse(question, sentence, fit, missing):
    from assistant.answer_fit import kind_missing

    assert kind_fit(question, sentence) == fit
    assert kind_missing(question, sentence) == missing


def test_the_checks_take_any_text():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from assistant.answer_fit import kind_missing

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=200), st.text(max_size=300))
    def check(question, sentence):
        assert 0.0 <= kind_fit(question, sentence) <= 1.0
        assert negation_flip(question, sentence) in (0.0, 1.0)
        assert opposite_swap(question, sentence) in (0.0, 1.0)
        assert kind_missing(question, sentence) in (True, False)

    check()
    # numbers made of regex metacharacters' neighbours, and a very long question
    long_question = "How many " + " ".join(str(n) for n in range(3000)) + "?"
    assert kind_fit(long_question, "There were 4,000 of them.") == 1.0


def test_how_many_reasons_asks_for_a_number_not_the_reasons():
    from assistant.extractive import question_type

    assert question_type("How many reasons does the post give for staying out?") == "factoid"
    assert question_type("What are the reasons he stayed out?") == "why"
    assert question_type("Why hasn't he sent troops?") == "why"


@pytest.mark.parametrize("question, sentence, swapped", [
    # the asked-for subject's object is the sentence's subject
    ("Who replaced the Normans as the ruling class?",
     "The invading Normans and their descendants replaced the Anglo-Saxons as the ruling class.",
     1.0),
    ("What forms Lake Constance into an inland delta?",
     "The mouth of the Rhine into Lake Constance forms an inland delta.", 1.0),
    # the question's subject is the sentence's object
    ("When did King Harold II conquer England?",
     "In 1066, Duke William II of Normandy conquered England killing King Harold II.", 1.0),
    # another name does what the question's subject did
    ("When did Richard II flee to Normandy?",
     "Because of this, Ethelred fled to Normandy in 1013.", 1.0),
    ("When did Richard II flee to Normandy?", "Because of this, he fled to Normandy in 1013.",
     0.0),
    ("When did Obama sign the order?", "The order that President Obama signed in January.", 0.0),
    # the same roles, a passive, a name far from the verb: no swap
    ("Who replaced the Anglo-Saxons as the ruling class?",
     "The invading Normans and their descendants replaced the Anglo-Saxons as the ruling class.",
     0.0),
    ("Who led the Normans?", "The Normans were led by Rollo.", 0.0),
    ("When did William conquer England?", "In 1066, William conquered England.", 0.0),
    # "Who did X marry?": X is the subject; after the verb it is the object's
    ("Who did Edgar marry?", "King Malcolm married Edgar's sister Margaret.", 1.0),
    ("Who did Edgar marry?", "Edgar married Margaret in 1070.", 0.0),
    ("Who did Edgar marry?", "Malcolm married Margaret in 1070.", 0.0),
    ("When did Harold conquer England?", "England was conquered by Harold in 1066.", 0.0),
    ("What should replace the bracketed fields in the Apache License boilerplate notice?",
     "To apply the Apache License to your work, attach the following boilerplate notice, with "
     "the fields enclosed by brackets replaced with your own identifying information.", 0.0),
    # after "what" or "which" a noun, not a verb: "sanctions", "company"
    ("What sanctions has Belarus been hit with?",
     "All of this has landed Belarus with nearly equivalent sanctions to Russia.", 0.0),
    ("Which company is Apple working with?", "Apple is working with Zeiss, the company said.",
     0.0),
    ("Who did Emma marry?", "Emma married King Ethelred.", 0.0),
    ("What would joining the fight mean for Belarus?",
     "Lukashenko will face major consequences if Belarus joins the fight.", 0.0),
    # a modal is an auxiliary: the wh-word is the object ("What must a GET request ...")
    ("What must a successful GET request to a folder be responded to with?",
     "A successful GET request to a folder MUST be responded to with a JSON-LD document.", 0.0),
    # after "is", a word that is no participle leaves "is" the verb: no roles to swap
    ("Who is always the woman to Sherlock Holmes?", "To Sherlock Holmes she is always THE woman.",
     0.0),
    # a passive sentence answers an active question: "is written ... by"
    ("Who writes Daring Fireball?", "Daring Fireball is written and produced by John Gruber.",
     0.0),
    ("What was absorbed into the Anglo-Norman language?",
     "The Anglo-Norman language was absorbed into the Anglo-Saxon language.", 1.0),
    # the whole name counts: "Anglo-Saxon" after the verb is not "Anglo-Norman"
    ("What was absorbed into the Anglo-Norman language?",
     "The Anglo-Norman language was eventually absorbed into the Anglo-Saxon language.", 1.0),
    ("What was absorbed into the Anglo-Saxon language?",
     "The Anglo-Norman language was eventually absorbed into the Anglo-Saxon language.", 0.0),
])
def test_role_swap(question, sentence, swapped):
    assert role_swap(question, sentence) == swapped


def test_a_role_swap_refuses_whatever_the_model_says():
    from assistant.abstention import FEATURES, AbstentionEvidence, decide

    values = dict.fromkeys(FEATURES, 1.0) | {"negation_flip": 0.0, "opposite_swap": 0.0}
    weights = (0.0,) + (1.0,) * len(FEATURES)
    refused = decide(AbstentionEvidence(coverage=1.0, role_swap=1.0, **values), weights, 0.5)
    assert not refused.answerable and refused.contradicted and refused.probability > 0.5


@pytest.mark.parametrize("question, focus", [
    ("How much RAM does the Raspberry Pi 3 have?", ["ram"]),
    ("What CVE identifier was assigned to the flaw?", ["cve", "identifier"]),
    # the noun after "which" is the kind of thing the answer is, not something it mentions
    ("Which issue did Obama call the biggest frustration of his presidency?", []),
    ("Which computer did Edward Lorenz use?", []),
    # "range" names the kind of answer (an interval), like "share" or "number"
    ("What age range did the Stanford study use?", []),
    # for an amount it is the thing measured
    ("What area was the dam built to protect?", ["area"]),
    # for a colour, the thing coloured
    ("What colour was the Hatter's hat?", ["hatter", "hat"]),
    # "How long is X?": X is what is measured
    ("How long is the Netherlands?", ["netherlands"]),
    ("How wide was the main street?", ["main", "street"]),
])
def test_question_focus(question, focus):
    from assistant.extractive import question_focus

    assert question_focus(question) == focus

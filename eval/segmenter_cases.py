"""Hand-labelled sentence-segmentation cases written for this project: each is a text and the
sentences it holds, in order. They cover what news pages, licences, RFCs and books do to
segmenters: abbreviations, initials, decimals, quotations ending in ?/! with the attribution after,
ellipses, hard-wrapped lines, list items and headings without a full stop.
"""

from __future__ import annotations

CASES: list[tuple[str, list[str]]] = [
    # --- abbreviations -----------------------------------------------------------------------
    ("The dog hunted and ate a wild rabbit on Nov. 3 near the river. Its owner was fined.",
     ["The dog hunted and ate a wild rabbit on Nov. 3 near the river.", "Its owner was fined."]),
    ("The U.S. economy grew by 2 per cent last year. Exports rose faster than imports.",
     ["The U.S. economy grew by 2 per cent last year.", "Exports rose faster than imports."]),
    ("Dr. Amina Okafor led the trial. She said the results were clear.",
     ["Dr. Amina Okafor led the trial.", "She said the results were clear."]),
    ("Mr. Lukashenko met Mrs. Thatcher's biographer in Minsk. Nothing was agreed.",
     ["Mr. Lukashenko met Mrs. Thatcher's biographer in Minsk.", "Nothing was agreed."]),
    # a title before a name that is also a common word (Punkt had split after "Mr.")
    ("The nurse barked. Mr. Darling used to boast to Wendy. Mrs. Long says so.",
     ["The nurse barked.", "Mr. Darling used to boast to Wendy.", "Mrs. Long says so."]),
    ("Acme Corp. and Widget Inc. signed the deal on Monday. Shares rose 4 per cent.",
     ["Acme Corp. and Widget Inc. signed the deal on Monday.", "Shares rose 4 per cent."]),
    ("The ceasefire began on Jan. 12 and ended on Feb. 2. Fighting resumed at dawn.",
     ["The ceasefire began on Jan. 12 and ended on Feb. 2.", "Fighting resumed at dawn."]),
    ("Sen. Warren and Gov. Newsom spoke first. Rep. Jordan followed them.",
     ["Sen. Warren and Gov. Newsom spoke first.", "Rep. Jordan followed them."]),
    ("The case, Smith vs. Jones, reached the court in 2019. It was settled.",
     ["The case, Smith vs. Jones, reached the court in 2019.", "It was settled."]),
    ("Several fruits, e.g. apples and pears, were banned. Officials gave no reason.",
     ["Several fruits, e.g. apples and pears, were banned.", "Officials gave no reason."]),
    ("The company, i.e. its board, must approve any sale. The vote is on Friday.",
     ["The company, i.e. its board, must approve any sale.", "The vote is on Friday."]),
    ("He lives at No. 10 Downing St. in London. The street is closed to traffic.",
     ["He lives at No. 10 Downing St. in London.", "The street is closed to traffic."]),
    ("Troops moved into the U.K. sector overnight. The U.N. called for calm.",
     ["Troops moved into the U.K. sector overnight.", "The U.N. called for calm."]),
    ("The report was written by Prof. Chen et al. in 2021. It has been cited often.",
     ["The report was written by Prof. Chen et al. in 2021.", "It has been cited often."]),
    ("Gen. Milley arrived at 9 a.m. on Tuesday. He left before noon.",
     ["Gen. Milley arrived at 9 a.m. on Tuesday.", "He left before noon."]),
    ("The talks ended at 5 p.m. The delegates flew home.",
     ["The talks ended at 5 p.m.", "The delegates flew home."]),
    ("She moved to the U.S. Her brother stayed in Kyiv.",
     ["She moved to the U.S.", "Her brother stayed in Kyiv."]),
    ("The law applies to Ala., Ga. and Miss. residents. Others are exempt.",
     ["The law applies to Ala., Ga. and Miss. residents.", "Others are exempt."]),
    ("See Fig. 3 for the results. The trend is clear.",
     ["See Fig. 3 for the results.", "The trend is clear."]),
    ("The St. Petersburg forum opened on Wednesday. Putin spoke for an hour.",
     ["The St. Petersburg forum opened on Wednesday.", "Putin spoke for an hour."]),
    ("Lt. Col. Vindman testified in Nov. 2019 about the call. He was later reassigned.",
     ["Lt. Col. Vindman testified in Nov. 2019 about the call.", "He was later reassigned."]),
    # --- initials -----------------------------------------------------------------------------
    ("J. R. R. Tolkien wrote the novel in Oxford. It was published in 1954.",
     ["J. R. R. Tolkien wrote the novel in Oxford.", "It was published in 1954."]),
    ("The poem by T. S. Eliot was read aloud. The audience stood.",
     ["The poem by T. S. Eliot was read aloud.", "The audience stood."]),
    ("George W. Bush visited the plant in 2003. Workers cheered.",
     ["George W. Bush visited the plant in 2003.", "Workers cheered."]),
    ("The letter was signed by H. G. Wells and G. B. Shaw. Both were famous.",
     ["The letter was signed by H. G. Wells and G. B. Shaw.", "Both were famous."]),
    ("Franklin D. Roosevelt signed the act. It created the agency.",
     ["Franklin D. Roosevelt signed the act.", "It created the agency."]),
    ("The study was led by A. Kumar. Funding came from the state.",
     ["The study was led by A. Kumar.", "Funding came from the state."]),
    # --- numbers ------------------------------------------------------------------------------
    ("Inflation reached 3.5 per cent in March. Prices of food rose 7.2 per cent.",
     ["Inflation reached 3.5 per cent in March.", "Prices of food rose 7.2 per cent."]),
    ("The bill costs $1.2 billion. Critics call it too expensive.",
     ["The bill costs $1.2 billion.", "Critics call it too expensive."]),
    ("Version 2.0.1 fixes the bug. Users should upgrade.",
     ["Version 2.0.1 fixes the bug.", "Users should upgrade."]),
    ("The poll has a margin of error of 2.5 points. It surveyed 1,000 adults.",
     ["The poll has a margin of error of 2.5 points.", "It surveyed 1,000 adults."]),
    ("Section 3.2 of the treaty covers grain. Section 4 covers fertiliser.",
     ["Section 3.2 of the treaty covers grain.", "Section 4 covers fertiliser."]),
    ("Turnout was 61.4%. That is the highest since 1992.",
     ["Turnout was 61.4%.", "That is the highest since 1992."]),
    # --- quotations ---------------------------------------------------------------------------
    ("“Are we able to do it?” Mr. Lukashenko said in December. “We are not.”",
     ["“Are we able to do it?” Mr. Lukashenko said in December.", "“We are not.”"]),
    ("“Get out!” the guard shouted. The crowd moved back.",
     ["“Get out!” the guard shouted.", "The crowd moved back."]),
    ("\"Why now?\" asked one analyst. Nobody answered.",
     ["\"Why now?\" asked one analyst.", "Nobody answered."]),
    ("She said: “We will not send troops.” The minister agreed.",
     ["She said: “We will not send troops.”", "The minister agreed."]),
    ("“It is over,” he said. “We lost.”",
     ["“It is over,” he said.", "“We lost.”"]),
    ("The sign read “Closed!” in red letters. Customers left.",
     ["The sign read “Closed!” in red letters.", "Customers left."]),
    ("“Who would benefit?” she asked. “Not the farmers.”",
     ["“Who would benefit?” she asked.", "“Not the farmers.”"]),
    ("He called the plan “a disaster.” Others disagreed.",
     ["He called the plan “a disaster.”", "Others disagreed."]),
    ("“No!” The answer came at once. The meeting ended.",
     ["“No!”", "The answer came at once.", "The meeting ended."]),
    ("The question, “What next?”, hung over the summit. No one had a plan.",
     ["The question, “What next?”, hung over the summit.", "No one had a plan."]),
    # --- ellipses and other stops -----------------------------------------------------------
    ("He paused... Then he left the room.",
     ["He paused...", "Then he left the room."]),
    ("The results were … mixed, the report said. A second trial is planned.",
     ["The results were … mixed, the report said.", "A second trial is planned."]),
    ("Will Putin attack again? Analysts are divided. Some say yes!",
     ["Will Putin attack again?", "Analysts are divided.", "Some say yes!"]),
    ("The deal (signed in Istanbul) holds. The ships (12 in all) sailed.",
     ["The deal (signed in Istanbul) holds.", "The ships (12 in all) sailed."]),
    ("Details are at example.com/news. Comments are closed.",
     ["Details are at example.com/news.", "Comments are closed."]),
    ("Write to press@example.org for a copy. Copies are free.",
     ["Write to press@example.org for a copy.", "Copies are free."]),
    ("The vote passed (by 52 to 48.) Protests followed.",
     ["The vote passed (by 52 to 48.)", "Protests followed."]),
    # --- hard-wrapped lines ---------------------------------------------------------------------
    ("For example, if you distribute copies of such a program, whether\ngratis or for a fee, "
     "you must pass on to the recipients the same\nfreedoms that you received.  You must make "
     "sure that they, too, receive\nor can get the source code.",
     ["For example, if you distribute copies of such a program, whether\ngratis or for a fee, "
      "you must pass on to the recipients the same\nfreedoms that you received.",
      "You must make sure that they, too, receive\nor can get the source code."]),
    ("Developers that use the GNU GPL protect your rights with two steps:\n(1) assert copyright "
     "on the software, and (2) offer you this License\ngiving you legal permission to copy, "
     "distribute and/or modify it.",
     ["Developers that use the GNU GPL protect your rights with two steps:\n(1) assert copyright "
      "on the software, and (2) offer you this License\ngiving you legal permission to copy, "
      "distribute and/or modify it."]),
    ("It was the best of times, it was the worst of times, it was the age of\nwisdom, it was "
     "the age of foolishness. It was the epoch of belief, it was\nthe epoch of incredulity.",
     ["It was the best of times, it was the worst of times, it was the age of\nwisdom, it was "
      "the age of foolishness.",
      "It was the epoch of belief, it was\nthe epoch of incredulity."]),
    ("The Licensor shall not be liable for any damages arising from the\nuse of the Work, "
     "including but not limited to loss of data. This\nlimitation applies as of the date such "
     "litigation is filed.",
     ["The Licensor shall not be liable for any damages arising from the\nuse of the Work, "
      "including but not limited to loss of data.",
      "This\nlimitation applies as of the date such litigation is filed."]),
    ("The Internet Protocol is designed for use in interconnected systems of\npacket-switched "
     "computer communication networks.  Such a system has been\ncalled a \"catenet\".",
     ["The Internet Protocol is designed for use in interconnected systems of\npacket-switched "
      "computer communication networks.",
      "Such a system has been\ncalled a \"catenet\"."]),
    ("Mr. Darcy had been standing near enough for her to hear a conversation\nbetween him and "
     "Mr. Bingley, who came from the dance for a few minutes.",
     ["Mr. Darcy had been standing near enough for her to hear a conversation\nbetween him and "
      "Mr. Bingley, who came from the dance for a few minutes."]),
    # --- structure: headings, list items, blank lines ------------------------------------------
    ("Why Belarus has stayed out\n\nLukashenko has not sent troops. He fears unrest at home.",
     ["Why Belarus has stayed out", "Lukashenko has not sent troops.",
      "He fears unrest at home."]),
    ("TERMS AND CONDITIONS\n\n0. Definitions.\n\n\"This License\" refers to version 3 of the GNU "
     "General Public License.",
     ["TERMS AND CONDITIONS", "0. Definitions.",
      "\"This License\" refers to version 3 of the GNU General Public License."]),
    ("Key points:\n- Grain exports resumed in August\n- Prices fell by a fifth\n- The deal "
     "lapsed in 2023",
     ["Key points:", "- Grain exports resumed in August", "- Prices fell by a fifth",
      "- The deal lapsed in 2023"]),
    ("The plan has three parts:\n1. a ceasefire\n2. prisoner exchanges\n3. new elections",
     ["The plan has three parts:", "1. a ceasefire", "2. prisoner exchanges",
      "3. new elections"]),
    ("CHAPTER I.\n\nIt is a truth universally acknowledged, that a single man in possession\nof "
     "a good fortune, must be in want of a wife.",
     ["CHAPTER I.", "It is a truth universally acknowledged, that a single man in possession\n"
      "of a good fortune, must be in want of a wife."]),
    ("3.  Internet Protocol Specification\n\n3.1.  Internet Header Format\n\nA summary of the "
     "contents of the internet header follows.",
     ["3.  Internet Protocol Specification", "3.1.  Internet Header Format",
      "A summary of the contents of the internet header follows."]),
    ("Sources\nReuters, AP\n\nThe figures were revised on Monday.",
     ["Sources", "Reuters, AP", "The figures were revised on Monday."]),
    ("  a) the right to copy the Work;\n  b) the right to modify it;\n  c) the right to "
     "distribute it.",
     ["a) the right to copy the Work;", "b) the right to modify it;",
      "c) the right to distribute it."]),
    ("* Putin met Lukashenko in Minsk\n* No troops were promised\n\nAnalysts expected more.",
     ["* Putin met Lukashenko in Minsk", "* No troops were promised", "Analysts expected more."]),
    ("Photo: Reuters\n\nThe summit opened in Minsk.",
     ["Photo: Reuters", "The summit opened in Minsk."]),
    # --- plain ----------------------------------------------------------------------------------
    ("The river flooded. Roads closed. Schools sent pupils home.",
     ["The river flooded.", "Roads closed.", "Schools sent pupils home."]),
    ("Prices rose in 2022. In 2023 they fell again.",
     ["Prices rose in 2022.", "In 2023 they fell again."]),
    ("Kyiv was shelled overnight.Officials reported no deaths.",
     ["Kyiv was shelled overnight.", "Officials reported no deaths."]),
    ("Voters had until Friday to register. Turnout was high.",
     ["Voters had until Friday to register.", "Turnout was high."]),
]

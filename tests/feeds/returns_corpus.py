"""Small hand-written DfE returns (synthetic children) shared by the feeds and records tests."""

from __future__ import annotations

from pathlib import Path

CIN_XML = """<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>2025</Year>
    </CollectionDetails>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID>OWN-1</LAchildID>
        <PersonBirthDate>2015-04-17</PersonBirthDate>
        <GenderCurrent>2</GenderCurrent>
      </ChildIdentifiers>
      <CINdetails>
        <CINreferralDate>2024-05-01</CINreferralDate>
        <ReferralSource>2A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <CINclosureDate>2025-01-10</CINclosureDate>
        <ReasonForClosure>RC7</ReasonForClosure>
        <Assessments>
          <AssessmentActualStartDate>2024-05-02</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2024-06-10</AssessmentAuthorisationDate>
        </Assessments>
        <Section47>
          <S47ActualStartDate>2024-05-03</S47ActualStartDate>
          <DateOfInitialCPC>2024-05-20</DateOfInitialCPC>
        </Section47>
        <ChildProtectionPlans>
          <CPPstartDate>2024-05-20</CPPstartDate>
          <CPPendDate>2024-12-01</CPPendDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>ZZZ</LatestCategoryOfAbuse>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>LA-2</LAchildID>
        <UPN>W990000019001</UPN>
        <PersonBirthDate>2016-02-01</PersonBirthDate>
        <GenderCurrent>1</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
        <Disabilities><Disability>MOB</Disability></Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2024-07-01</CINreferralDate>
        <ReferralSource>99</ReferralSource>
        <PrimaryNeedCode>N4</PrimaryNeedCode>
        <CINPlanDates>
          <CINPlanStartDate>2024-08-01</CINPlanStartDate>
          <CINPlanEndDate>2024-13-01</CINPlanEndDate>
        </CINPlanDates>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""

HEADER_903 = """CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
LA-2,1,01/02/2016,WBRI,W990000019001,,
LA-3,2,05/06/2012,WBRI,UN2,,
"""

EPISODES_903 = """\
CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
LA-3,01/06/2024,S,C1,N1,U6,PR1,01/08/2024,X1,,,,
LA-3,01/08/2024,P,C2,N1,U4,PR1,15/01/2025,E4A,CARPL,,,
LA-3,20/01/2025,L,QQ,N1,U4,PR1,,,,,,
LA-3,31/02/2025,S,V2,N1,K2,PR1,,,,,,
"""

MISSING_903 = """CHILD,DOB,MISSING,MIS_START,MIS_END
LA-3,05/06/2012,M,03/09/2024,04/09/2024
LA-3,05/06/2012,A,10/10/2024,
"""


def write_returns(folder: Path) -> list[Path]:
    """The CIN census and the three 903 files, written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, text in (("cin_census.xml", CIN_XML), ("header.csv", HEADER_903),
                       ("episodes.csv", EPISODES_903), ("missing.csv", MISSING_903)):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Message [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<Message><Header><CollectionDetails><Collection>CIN</Collection></CollectionDetails></Header>
<Children><Child><ChildIdentifiers><LAchildID>&g;</LAchildID></ChildIdentifiers></Child></Children>
</Message>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Message><Header><CollectionDetails><Collection>CIN</Collection></CollectionDetails></Header>
<Children><Child><ChildIdentifiers><LAchildID>&secret;</LAchildID></ChildIdentifiers></Child></Children>
</Message>
"""
